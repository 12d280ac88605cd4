"""Demo users, one per role, in 南涧彝族自治县 (a 脱贫县 and 省级乡村振兴重点帮扶县, P2); the county sector
department (P14) is 南涧's 交通运输局, the sector of the demo's road projects."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from zhenxing.accounts import services
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import Sector, User
from zhenxing.common.enums import Department
from zhenxing.divisions.codes import PREFECTURE_CODE
from zhenxing.divisions.models import Division


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    division_code: str | None = None
    department: str = ""
    sector: str = ""  # a county sector department's Sector.code


DEMO_USERS = (
    DemoUser("demo_village", "西山村 村干部", Role.VILLAGE, "532926101202"),
    DemoUser("demo_township", "南涧镇 工作人员", Role.TOWNSHIP, "532926101"),
    DemoUser("demo_county", "南涧县 乡村振兴局", Role.COUNTY, "532926"),
    DemoUser("demo_sector", "南涧县 交通运输局", Role.COUNTY_SECTOR, "532926", sector="transport"),
    DemoUser("demo_finance", "南涧县 财政局", Role.FINANCE, "532926"),
    DemoUser("demo_prefecture", "大理州 乡村振兴局", Role.PREFECTURE, PREFECTURE_CODE),
    DemoUser("demo_prefecture_finance", "大理州 财政局", Role.FINANCE, PREFECTURE_CODE),
    DemoUser("demo_department", "州医保局", Role.DEPARTMENT, department=Department.MEDICAL_INSURANCE),
    DemoUser("demo_admin", "系统管理员", Role.ADMIN),
)


def _password() -> str:
    # Readable in a terminal, long enough for the validators: e.g. "zx-Kq3v-8mTa-Wc2p".
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)]
    return "zx-" + "-".join(groups)


def demo_users_ensure(*, credentials_file: Path) -> list[tuple[str, str, str]]:
    """Create the demo users that do not exist yet. Returns (username, role label, password) for those
    created now; their passwords are also appended to `credentials_file` (mode 600, inside var/)."""
    created: list[tuple[str, str, str]] = []
    for demo in DEMO_USERS:
        if User.objects.filter(username=demo.username).exists():
            continue
        password = _password()
        jurisdiction = Division.objects.get(code=demo.division_code) if demo.division_code else None
        services.user_create(
            actor=None,
            username=demo.username,
            password=password,
            role=demo.role,
            jurisdiction=jurisdiction,
            department=demo.department,
            display_name=demo.display_name,
            sector=Sector.objects.get(code=demo.sector) if demo.sector else None,
        )
        created.append((demo.username, demo.role.label, password))
    if created:
        credentials_file.parent.mkdir(parents=True, exist_ok=True)
        with credentials_file.open("a", encoding="utf-8") as handle:
            for username, label, password in created:
                handle.write(f"{username}\t{label}\t{password}\n")
        credentials_file.chmod(0o600)
    return created
