"""Short display names for villages and communities: the NBS names carry committee suffixes."""

from __future__ import annotations

# (suffix, what the short name must end with) — longest suffixes first.
_COMMITTEE_SUFFIXES = (
    ("村民委员会", "村"),
    ("居民委员会", "社区"),
    ("村委会", "村"),
    ("居委会", "社区"),
)


def short_name(name: str) -> str:
    """张迁村委会 → 张迁村, 南涧社区居民委员会 → 南涧社区, 平坝村民委员会 → 平坝村, 褚家营社区村民委员会 → 褚家营社区."""
    for suffix, kind in _COMMITTEE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            if base.endswith(("村", "社区")):
                return base
            return base + kind
    return name
