"""The division-code helpers (P2): what lies under what, without cutting codes by hand."""

from __future__ import annotations

from zhenxing.divisions.codes import covers


def test_p2_a_jurisdiction_covers_itself_and_what_lies_under_it() -> None:
    assert covers("5329", "532926")  # the prefecture covers 南涧
    assert covers("532926", "532926")  # a county covers itself
    assert covers("532926", "532926101202")  # and its villages
    assert not covers("532926", "532901")  # not another county
    assert not covers("532926", "5329")  # nor the prefecture above it
    assert not covers("53292", "532926")  # nor by a shared prefix that is no division
