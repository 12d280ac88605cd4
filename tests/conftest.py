from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest

from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User

from .factories import make_user

# every transaction application code commits in a test must record its audit event (tests/audit/write_audit.py)
pytest_plugins = ["tests.audit.write_audit"]

# Codes used across the tests (NBS 2023):
PREFECTURE = "5329"
COUNTY = "532926"  # 南涧彝族自治县 (脱贫县, 重点帮扶县)
TOWNSHIP = "532926101"  # 南涧镇
VILLAGE = "532926101202"  # 西山村委会
SAME_TOWNSHIP_VILLAGE = "532926101204"  # 团山村委会
OTHER_TOWNSHIP = "532926102"  # 小湾东镇
OTHER_COUNTY = "532901"  # 大理市
OTHER_COUNTY_TOWNSHIP = "532901102"  # 大理镇
OTHER_COUNTY_VILLAGE = "532901102001"


@pytest.fixture(scope="session", autouse=True)
def asset_deletes_permitted_for_flush() -> None:
    """Transactional and browser tests empty every table between tests; on SQLite that is DELETE FROM, which the
    asset register's trigger refuses unless permitted (assets/dbguard.py; tests/assets/test_no_delete.py takes
    the permission away to see the refusal)."""
    from zhenxing.assets.dbguard import permit_deletes

    permit_deletes(True)


@pytest.fixture
def shipped_data(django_db_blocker: object) -> None:
    """Data the migrations ship, put back for tests that flush tables (transactional and browser tests)."""
    from .shipped import shipped_data_ensure

    shipped_data_ensure()


@pytest.fixture
def clock_at() -> object:
    """Move the process clock for a test (deadlines, notice periods, escalation); put back afterwards."""
    from zhenxing.common import clock

    clock.set_offset(datetime.timedelta(0))
    yield clock.travel_to
    clock.set_offset(datetime.timedelta(0))


@pytest.fixture
def village_user(db: None) -> User:
    return make_user(Role.VILLAGE, VILLAGE, username="cun")


@pytest.fixture
def township_user(db: None) -> User:
    return make_user(Role.TOWNSHIP, TOWNSHIP, username="xiang")


@pytest.fixture
def county_user(db: None) -> User:
    return make_user(Role.COUNTY, COUNTY, username="xian")


@pytest.fixture
def prefecture_user(db: None) -> User:
    return make_user(Role.PREFECTURE, PREFECTURE, username="zhou")


@pytest.fixture
def department_user(db: None) -> User:
    return make_user(Role.DEPARTMENT, department="medical_insurance", username="yibao")


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user(Role.ADMIN, username="guanli")


@pytest.fixture
def fresh_site(tmp_path: object) -> tuple[list[str], dict[str, str]]:
    """A migrated SQLite file of its own and the command to drive it in subprocesses: (argv prefix, env)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "ZHENXING_VAR_DIR": str(tmp_path),
    }
    zhenxing = [sys.executable, "-m", "zhenxing.cli"]
    subprocess.run([*zhenxing, "migrate", "-v0"], env=env, check=True, capture_output=True)
    return zhenxing, env


@pytest.fixture(autouse=True)
def private_var_dir(settings: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Snapshots and uploaded files of a test go to a directory of its own, not the site's var/."""
    from zhenxing.screening.snapshot import snapshot_wait

    folder = tmp_path_factory.mktemp("var")
    settings.ZHENXING_VAR_DIR = folder  # type: ignore[attr-defined]
    settings.MEDIA_ROOT = folder / "media"  # type: ignore[attr-defined]
    yield
    snapshot_wait()  # a what-if's snapshot finishes in the background: let it, before the folder goes
