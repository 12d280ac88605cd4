"""County designations (P2) that the division tree carries as flags.

Source: POLICY.md P2, from the Dali plan: 11 脱贫县 (every county except 大理市) and 7
省级乡村振兴重点帮扶县 (弥渡, 南涧, 巍山, 永平, 云龙, 洱源, 剑川).
"""

from __future__ import annotations

from zhenxing.divisions.codes import PREFECTURE_CODE

__all__ = ["KEY_COUNTIES", "NOT_TUOPIN_COUNTIES", "PREFECTURE_CODE", "county_flags"]
NOT_TUOPIN_COUNTIES = frozenset({"532901"})  # 大理市
KEY_COUNTIES = frozenset({"532925", "532926", "532927", "532928", "532929", "532930", "532931"})


def county_flags(code: str) -> tuple[bool, bool]:
    """(脱贫县, 省级乡村振兴重点帮扶县) for a county code (P2)."""
    return code not in NOT_TUOPIN_COUNTIES, code in KEY_COUNTIES
