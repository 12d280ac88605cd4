"""The layout's invariants: import-linter's contracts hold (also run by `make lint`) and the README states the
order they enforce — one definition, bound by this test; division codes are read only through
`divisions/codes.py` (no hard-coded prefecture "5329", no code sliced by hand elsewhere)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "zhenxing"


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers"]
    return list(contract["layers"])


def test_the_import_contracts_hold() -> None:
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_the_readme_states_the_order_the_contracts_enforce() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- import order: pyproject.toml \[tool.importlinter\] -->\n```\n(.*?)```", readme, re.S
    )
    assert block, "README: the import order block is missing"
    stated = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert [line for line in stated if line] == _layers()


# --- division codes ----------------------------------------------------------------------------------------

PREFECTURE_LITERAL = re.compile(
    r"(?<!\d)5329(?!\d)"
)  # the prefecture's code, not a county code in an example
CODE_NAME = re.compile(r"code|village|division|county|township", re.IGNORECASE)
ANCESTOR_LENGTHS = {2, 4, 6, 9}  # province, prefecture, county, township prefixes
SQL_SLICE = re.compile(
    r"\b(?:SUBSTR|SUBSTRING|LEFT)\s*\(\s*[\w.]*(?:code|village)\w*\s*,\s*(?:1\s*,\s*)?(?:2|4|6|9)\s*\)",
    re.IGNORECASE,
)
# monitoring is being moved onto divisions.codes in the same issue (the kernel split): these still slice


def division_code_reads(source: str) -> list[str]:
    """Where a module reads a division code by hand: the literal 5329 in its code (comments are free), a
    slice of a code to an ancestor's length, or the same in SQL."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.STRING, tokenize.NUMBER):
            if PREFECTURE_LITERAL.search(token.string):
                found.append(f"line {token.start[0]}: 5329")
            if SQL_SLICE.search(token.string):
                found.append(f"line {token.start[0]}: {SQL_SLICE.search(token.string).group(0)}")  # type: ignore[union-attr]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            lower, upper = node.slice.lower, node.slice.upper
            if (
                (lower is None or (isinstance(lower, ast.Constant) and lower.value == 0))
                and isinstance(upper, ast.Constant)
                and upper.value in ANCESTOR_LENGTHS
                and node.slice.step is None
                and CODE_NAME.search(ast.unparse(node.value))
            ):
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def _modules(under: Path) -> list[Path]:
    # a migration is history: it keeps the code it ran with
    return sorted(path for path in under.rglob("*.py") if "migrations" not in path.parts)


def test_no_module_outside_divisions_reads_division_codes_by_hand() -> None:
    found = {
        str(path.relative_to(SRC)): reads
        for path in _modules(SRC)
        if not {"divisions", "monitoring"} & set(path.relative_to(SRC).parts[:1])
        and (reads := division_code_reads(path.read_text(encoding="utf-8")))
    }
    assert found == {}, (
        "ask zhenxing.divisions.codes (county_of, township_of, in_prefecture, PREFECTURE_CODE)"
    )


@pytest.mark.parametrize("module", [str(path.relative_to(SRC)) for path in _modules(SRC / "monitoring")])
def test_monitoring_reads_division_codes_through_divisions(module: str) -> None:
    assert division_code_reads((SRC / module).read_text(encoding="utf-8")) == []


def test_the_check_finds_each_kind_of_hand_reading() -> None:
    source = """
PREFIX = "5329"
county = village_code[:6]
township = str(case.village_id)[0:9]
sql = "JOIN divisions_division c ON c.code = SUBSTR(v.code, 1, 6)"
fine = number[:6] + tracking_code[:12] + "532926"  # the ID's address code, a tracking code, a county in an example
# a comment may say 5329
"""
    assert division_code_reads(source) == [
        "line 2: 5329",
        "line 5: SUBSTR(v.code, 1, 6)",
        "line 3: village_code[:6]",
        "line 4: str(case.village_id)[0:9]",
    ]
