"""The planning app's choices and the pure assessment rules name the same dimensions and grades (one definition
held together): a stored dimension or grade is always one the rules know (P16)."""

from __future__ import annotations

from zhenxing.planning.enums import Dimension, Grade
from zhenxing.policy.rules.assessment import DIMENSIONS, FAIR, GOOD, GRADES, ITEMS, POOR


def test_p16_dimensions_are_the_rules_dimensions_with_the_same_labels() -> None:
    assert list(Dimension.choices) == list(DIMENSIONS)
    assert {item.dimension for item in ITEMS} == set(Dimension.values)


def test_p16_grades_are_the_rules_grades_best_first() -> None:
    assert tuple(Grade.values) == GRADES == (GOOD, FAIR, POOR)
