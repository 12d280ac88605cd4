"""Where the project keeps its files: the repository's data/ and the writable var/ folder."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# An editable install (the only one `make` makes) runs from the checkout: src/zhenxing -> repository root.
PROJECT_DIR = PACKAGE_DIR.parent.parent


def _default_var_dir() -> Path:
    if (PROJECT_DIR / "pyproject.toml").exists():
        return PROJECT_DIR / "var"
    return Path.cwd() / "var"


VAR_DIR = Path(os.environ.get("ZHENXING_VAR_DIR") or _default_var_dir())
DATA_DIR = Path(os.environ.get("ZHENXING_DATA_DIR") or PROJECT_DIR / "data")
