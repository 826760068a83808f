"""What the start page says about time: measured, not guessed (issue #13).

The figures are the median and the 90th centile, in whole minutes rounded up, of the time to answer the
web interview over every vignette, from src/spinepath/answer_time.py (`bench/answer_time.py` prints
them; docs/benchmarks.md explains the rates). A test in tests/intake/test_answering_on_the_web.py fails
when the questions change so much that these no longer match the measurement: then update them here.
"""

from __future__ import annotations

ABOUT_MINUTES = 8
UP_TO_MINUTES = 12
