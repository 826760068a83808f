"""How long the web interview takes to answer: measured counts on every vignette, stated rates.

Run: .venv/bin/python bench/answer_time.py   (see src/spinepath/answer_time.py for the rates)
"""

from __future__ import annotations

import statistics
from pathlib import Path

from spinepath import answer_time
from spinepath.evaluation import load_vignettes

VIGNETTES = sorted((Path(__file__).resolve().parents[1] / "tests" / "vignettes").glob("*.yaml"))


def main() -> None:
    people = [v.answers for v in load_vignettes(VIGNETTES)]
    print(
        f"rates: reading {answer_time.READING_WORDS_PER_MINUTE} words/min, "
        f"{answer_time.SECONDS_PER_ANSWER} s per answer, {answer_time.SECONDS_PER_SCREEN} s per screen, "
        f"{answer_time.SECONDS_PER_BODY_MAP} s per body map"
    )
    for language in ("en", "es"):
        journeys = [answer_time.journey(answers, language=language) for answers in people]
        result = answer_time.estimate(people, language=language)
        print(
            f"{language}: {result.people} people; screens median {result.median_screens:g} "
            f"(max {max(j.screens for j in journeys)}); questions median "
            f"{statistics.median(j.questions for j in journeys):g}; words read median {result.median_words:g} "
            f"(max {max(j.words for j in journeys)}); minutes median {result.median_minutes:.1f}, "
            f"90th centile {result.p90_minutes:.1f}, max {max(j.seconds for j in journeys) / 60:.1f}; "
            f"start page: about {result.shown[0]}, up to {result.shown[1]}"
        )


if __name__ == "__main__":
    main()
