"""Intake forms: an SDC Questionnaire from the rules, answers in, the next question.

:func:`build_questionnaire` writes the form of a rule set; :func:`read_questionnaire_response`
reads a filled form into a presentation (unanswered and "don't know" stay unknown);
:func:`next_questions` picks what to ask next so that only questions that can still
change the disposition are asked, and :func:`next_question` answers the SDC
``$next-question`` operation with it.  The Starlette routes of the adaptive endpoint are
in ``legrules.intake.service`` (``intake`` extra).

.. versionadded:: 0.2
"""

from legrules.intake.adaptive import Question, next_questions
from legrules.intake.answers import (
    extraction_bundle,
    read_questionnaire_response,
    write_back_bundle,
)
from legrules.intake.interview import Answer, InterviewResult, interview
from legrules.intake.nextquestion import next_question
from legrules.intake.questionnaire import (
    asked_findings,
    build_questionnaire,
    question_items,
    questionnaire_url,
    validate_questionnaire,
)

__all__ = [
    "Answer",
    "InterviewResult",
    "Question",
    "asked_findings",
    "build_questionnaire",
    "extraction_bundle",
    "interview",
    "next_question",
    "next_questions",
    "question_items",
    "questionnaire_url",
    "read_questionnaire_response",
    "validate_questionnaire",
    "write_back_bundle",
]
