"""Imports every module of computed selectors, so that COMPUTED is complete."""

from zhenxing.planning.computed import COMPUTED, cases

__all__ = ["COMPUTED", "cases"]
