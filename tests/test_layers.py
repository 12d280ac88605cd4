"""The layers between apps: import-linter's contracts hold (also run by `make lint`), and the README states
the order the contracts enforce — one definition, bound by this test."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


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
