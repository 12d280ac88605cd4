"""The generated development keys: one key whoever starts first, and never a half-written file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zhenxing.keys import data_key, secret_key

READ_KEY = "import sys, base64; from pathlib import Path; from zhenxing.keys import data_key; print(base64.b64encode(data_key(Path(sys.argv[1]))).decode())"


def test_processes_starting_at_once_agree_on_one_complete_key(tmp_path: Path) -> None:
    # given eight processes that start on an empty var/ at the same moment
    starts = [
        subprocess.Popen([sys.executable, "-c", READ_KEY, str(tmp_path)], stdout=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    keys = {process.communicate(timeout=60)[0].strip() for process in starts}
    # then they all use the one key that is in the file, and no temporary file is left behind
    assert len(keys) == 1
    assert (tmp_path / "data_key").read_text().strip() == keys.pop()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data_key"]
    assert (tmp_path / "data_key").stat().st_mode & 0o777 == 0o600


def test_an_empty_key_file_is_a_clear_error_not_an_empty_key(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="空文件"):
        secret_key(tmp_path)


def test_an_existing_key_is_read_back(tmp_path: Path) -> None:
    first = data_key(tmp_path)
    assert data_key(tmp_path) == first and len(first) == 32
