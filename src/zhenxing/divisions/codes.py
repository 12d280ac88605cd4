"""What a division code says about itself: the one place that knows the code's shape (GB/T 2260 and the NBS
统计用区划代码: 2 digits province, 2 prefecture, 2 county, 3 township, 3 village) and which prefecture this
platform serves. Every other module asks here instead of slicing codes by hand."""

from __future__ import annotations

PREFECTURE_CODE = "5329"  # 大理白族自治州
PROVINCE_NAME = "云南省"

_LENGTHS = (4, 6, 9, 12)  # prefecture, county, township, village


def _ancestor(code: str, length: int) -> str:
    code = str(code)
    if len(code) < length:
        raise ValueError(f"区划代码 {code} 不够 {length} 位")
    return code[:length]


def prefecture_of(code: str) -> str:
    return _ancestor(code, 4)


def county_of(code: str) -> str:
    """The county (6 digits) a county, township or village code lies in."""
    return _ancestor(code, 6)


def township_of(code: str) -> str:
    """The township (9 digits) a township or village code lies in."""
    return _ancestor(code, 9)


def ancestors_of(code: str) -> list[str]:
    """Prefecture, county, township codes above `code` (outermost first), not the code itself."""
    code = str(code)
    return [code[:length] for length in _LENGTHS if length < len(code)]


def covers(outer: str, code: str) -> bool:
    """Whether the division `code` is `outer` or lies under it (a jurisdiction covering a county, say)."""
    return str(code) == str(outer) or str(outer) in ancestors_of(code)


def is_division_code(code: object, *, lengths: tuple[int, ...] = _LENGTHS) -> bool:
    return isinstance(code, str) and code.isdigit() and len(code) in lengths


def in_prefecture(code: object) -> bool:
    """A well-formed code of this prefecture or below it."""
    return is_division_code(code) and str(code).startswith(PREFECTURE_CODE)
