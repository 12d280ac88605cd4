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


def committee_name(name: str) -> str:
    """Who signs for a village: its committee, named once. 西山村委会 stays 西山村委会 (the NBS name already
    names the committee); a name without a committee suffix gets one: 平坝村 → 平坝村民委员会, 南涧社区 →
    南涧社区居民委员会."""
    if any(name.endswith(suffix) for suffix, _ in _COMMITTEE_SUFFIXES):
        return name
    if name.endswith("社区"):
        return name + "居民委员会"
    return (name[:-1] if name.endswith("村") else name) + "村民委员会"
