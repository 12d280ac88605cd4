"""Imports every module of computed selectors, so that COMPUTED is complete."""

from zhenxing.planning.computed import (
    COMPUTED,
    cases,
    education,
    employment,
    housing,
    income,
    projects,
    returns,
)

__all__ = ["COMPUTED", "cases", "education", "employment", "housing", "income", "projects", "returns"]
