"""How long the web interview takes to answer, from what each person is actually asked (issue #13).

The start page promises a time. It comes from here, not from a guess: every vignette is played through
the adaptive interview (the person answers from their own story), and what they see is counted: screens,
the words of every question, its help and its answer options, and the body maps. The counts are measured;
turning them into minutes takes three stated rates:

- reading at READING_WORDS_PER_MINUTE. Adults read non-fiction silently at about 238 words a minute,
  most between 175 and 300 (Brysbaert, J Mem Lang 2019, meta-analysis of 190 studies); we take the slow
  end, 175, for readers on a phone and in pain.
- SECONDS_PER_ANSWER to tick or type each answer, and SECONDS_PER_SCREEN to tap "Next" and wait for
  the next page.
- SECONDS_PER_BODY_MAP to find and tick the places on a body map (its long list of place names is
  scanned, not read word by word, so it is timed instead of counted).

`bench/answer_time.py` prints the figures; docs/benchmarks.md explains them; a test checks that the
start page says what the measurement gives.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spinepath.engine import Question, plan_interview

READING_WORDS_PER_MINUTE = 175
SECONDS_PER_ANSWER = 2
SECONDS_PER_SCREEN = 3
SECONDS_PER_BODY_MAP = 30
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Journey:
    screens: int
    questions: int
    words: int
    body_maps: int

    @property
    def seconds(self) -> float:
        reading = self.words / READING_WORDS_PER_MINUTE * 60
        answering = self.questions * SECONDS_PER_ANSWER + self.screens * SECONDS_PER_SCREEN
        return reading + answering + self.body_maps * SECONDS_PER_BODY_MAP


def words_on_screen(question: Question, language: str) -> int:
    """The words a person reads to answer `question`: its text, help and options (a body map's places
    are scanned on the drawing, see SECONDS_PER_BODY_MAP)."""
    texts = [question.label(language), question.help_text(language), question.none_label(language)]
    texts += [option.label(language) for option in question.options]
    return sum(len(_WORD.findall(text)) for text in texts)


def journey(answers: Mapping[str, Any], *, language: str = "en") -> Journey:
    """Play the interview for a person who answers from `answers` (a checklist or body map they never
    mentioned is "none"), counting what they see until the result or the emergency page."""
    given: dict[str, Any] = {}
    screens = questions = words = body_maps = 0
    for _ in range(100):
        step = plan_interview(given, language=language)
        if step.done:
            break
        screens += 1
        for question in step.questions:
            questions += 1
            words += words_on_screen(question, language)
            body_maps += question.type == "regions"
            value = answers.get(question.link_id)
            given[question.link_id] = [] if value is None and question.type in {"multi", "regions"} else value
    return Journey(screens=screens, questions=questions, words=words, body_maps=body_maps)


@dataclass(frozen=True)
class Estimate:
    people: int
    median_minutes: float
    p90_minutes: float
    median_words: float
    median_screens: float

    @property
    def shown(self) -> tuple[int, int]:
        """The start page's "about N minutes, up to M": the median and 90th centile, rounded up."""
        return math.ceil(self.median_minutes), math.ceil(self.p90_minutes)


def estimate(answer_sets: Sequence[Mapping[str, Any]], *, language: str = "en") -> Estimate:
    journeys = [journey(answers, language=language) for answers in answer_sets]
    minutes = sorted(j.seconds / 60 for j in journeys)
    p90 = statistics.quantiles(minutes, n=10, method="inclusive")[-1] if len(minutes) > 1 else minutes[0]
    return Estimate(
        people=len(journeys),
        median_minutes=statistics.median(minutes),
        p90_minutes=p90,
        median_words=statistics.median(j.words for j in journeys),
        median_screens=statistics.median(j.screens for j in journeys),
    )
