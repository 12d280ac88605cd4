"""Issue 13 D (P17): a notice shows the head's name, the natural village, the household size and the
(proposed) monitoring type — no ID number, not even masked, no phone, no health details; the risk category
only where the county turned it on for the year. Issue 13 E: without a font for Chinese the PDF is refused
with a clear message, and the system check says which package to install."""

from __future__ import annotations

import io
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader

from zhenxing.accounts.enums import Role
from zhenxing.common.crypto import decrypt_id_number
from zhenxing.monitoring.notices.checks import check_cjk_font
from zhenxing.monitoring.notices.pdf import notice_pdf
from zhenxing.policy import services as policy
from zhenxing.policy.enums import ParameterKind
from zhenxing.registry.models import Household, NaturalVillage

from ..factories import make_user
from .helpers import START, people, poor_household, posted_notice, to_review

EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig></fontconfig>
"""
RISK_WORDS = (
    "因病",
    "因残",
    "因学",
    "因灾",
    "因意外",
    "因务工就业不稳",
    "因产业项目失败",
    "大病",
    "慢性病",
    "残疾",
)


def _head(household: Household) -> tuple[str, str, str]:
    person = household.memberships.get(relation="户主").person
    return person.name, decrypt_id_number(person.id_number_encrypted), person.id_number_masked


def _noticed(natural: str = "大村") -> tuple[dict, object, list[Household]]:  # type: ignore[type-arg]
    user = people()
    households = [poor_household("N-1"), poor_household("N-2")]
    place = NaturalVillage.objects.create(village=households[0].village, name=natural)
    Household.objects.filter(pk__in=[h.pk for h in households]).update(natural_village=place)
    cases = [to_review(user, household) for household in households]
    return user, posted_notice(user, cases), households


def _assert_no_id_number(text: str, households: list[Household]) -> None:
    assert not re.search(r"\d{6}\*{4,}", text), "a masked ID number"
    assert "*" not in text
    assert not re.search(r"\d{15,}", text.replace(" ", "")), "a digit run as long as an ID number"
    for household in households:
        _, number, masked = _head(household)
        assert number not in text and masked not in text and number[:6] + "*" not in text


@pytest.mark.django_db
def test_p17_the_notice_pdf_lists_name_natural_village_size_and_type_and_no_id_number(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    _, notice, households = _noticed()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(notice_pdf(notice))).pages)
    assert "防止返贫监测对象" in text and "西山村委会" in text
    assert "自然村" in text and "大村" in text and "家庭人口" in text and "证件号码" not in text
    for household in households:
        assert _head(household)[0] in text
    assert "脱贫不稳定户" in text or "边缘易致贫户" in text  # the type proposed at 研判
    _assert_no_id_number(text, households)
    assert not [word for word in RISK_WORDS if word in text]  # off by default (P17)


@pytest.mark.django_db
def test_p17_the_notice_page_and_print_page_show_no_id_number(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user, notice, households = _noticed()
    client.force_login(user["township"])
    for url in (f"/cases/notices/{notice.pk}/", f"/cases/notices/{notice.pk}/print/"):  # type: ignore[attr-defined]
        html = client.get(url).content.decode()
        table = html[html.index('data-testid="notice-rows"') :]
        table = table[: table.index("</table>")]
        _assert_no_id_number(re.sub(r"<[^>]+>", " ", table), households)
        assert "大村" in table and "证件号码" not in table


@pytest.mark.django_db
def test_p17_a_county_turns_the_risk_category_on_for_a_year(clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    _, notice, households = _noticed()
    admin = make_user(Role.ADMIN)
    policy.parameter_create(
        actor=admin, kind=ParameterKind.NOTICE_RISK_TYPES, year=2026, value=["532926"],
        document="南涧县乡村振兴局关于公示风险类型的申请", verified=True,
    )  # fmt: skip
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(notice_pdf(notice))).pages)
    assert "风险类型" not in text  # posted in 2025: the 2026 setting does not reach back
    clock_at(START.replace(year=2026))
    later = to_review(people(), poor_household("N-3"))
    user = people()
    later_notice = posted_notice(user, [later])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(notice_pdf(later_notice))).pages)
    assert "风险类型" in text
    _assert_no_id_number(text, households)


@pytest.mark.django_db
def test_the_risk_category_parameter_takes_county_codes_only() -> None:
    from zhenxing.common.errors import InvalidInput
    from zhenxing.policy.values import clean_value

    assert clean_value(ParameterKind.NOTICE_RISK_TYPES, [" 532926", "532901", "532926"]) == [
        "532901",
        "532926",
    ]
    for bad in (True, "532926", ["5329"], [532926]):
        with pytest.raises(InvalidInput, match="县级区划代码"):
            clean_value(ParameterKind.NOTICE_RISK_TYPES, bad)


@pytest.fixture
def no_cjk_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This machine as if no font for Chinese were installed: fontconfig reads an empty configuration."""
    config = tmp_path / "fonts.conf"
    config.write_text(EMPTY_FONTCONFIG, encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    return config


@pytest.mark.django_db
def test_the_pdf_is_refused_with_a_clear_message_on_a_machine_without_a_cjk_font(
    client: Client, clock_at, no_cjk_font: Path
) -> None:  # type: ignore[no-untyped-def]
    clock_at(START)
    user, notice, _ = _noticed()
    client.force_login(user["village"])
    response = client.get(f"/cases/notices/{notice.pk}/pdf/")  # type: ignore[attr-defined]
    assert response.status_code == 503
    assert "fonts-noto-cjk" in response.content.decode() and "方框" in response.content.decode()
    assert client.get(f"/cases/notices/{notice.pk}/print/").status_code == 200  # type: ignore[attr-defined]


def test_the_system_check_is_quiet_where_the_font_is_installed() -> None:
    assert [message.id for message in check_cjk_font()] == []


def _environment(tmp_path: Path, config: Path) -> dict[str, str]:
    return {
        **os.environ, "FONTCONFIG_FILE": str(config), "ZHENXING_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}", "PYTHONWARNINGS": "ignore",
    }  # fmt: skip


def test_zhenxing_check_warns_in_chinese_and_names_the_font_package(
    tmp_path: Path, no_cjk_font: Path
) -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "zhenxing.cli", "check"], env=_environment(tmp_path, no_cjk_font),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert checked.returncode == 0  # a warning: the site still runs, and says what is wrong
    assert (
        "monitoring.W001" in checked.stderr
        and "fonts-noto-cjk" in checked.stderr
        and "方框" in checked.stderr
    )


@pytest.mark.parametrize("command", [["serve", "--no-worker", "--workers", "1"], ["demo", "--no-serve"]])
def test_serve_and_demo_run_the_check_before_they_start(
    tmp_path: Path, no_cjk_font: Path, command: list[str]
) -> None:
    """Django prints the check's warnings before the command's first line; the command is stopped then."""
    process = subprocess.Popen(
        [sys.executable, "-m", "zhenxing.cli", *command, *(["--bind", "127.0.0.1:0"] if command[0] == "serve" else [])],
        env=_environment(tmp_path, no_cjk_font), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    assert process.stderr is not None
    seen = b""
    deadline = time.monotonic() + 120
    try:
        while b"fonts-noto-cjk" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([process.stderr], [], [], 1)
            if ready:
                chunk = os.read(process.stderr.fileno(), 4096)
                if not chunk:
                    break
                seen += chunk
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the process group this test started, and only it
        process.wait(timeout=30)
    assert b"monitoring.W001" in seen and b"fonts-noto-cjk" in seen, seen.decode(errors="replace")[-2000:]


@pytest.mark.django_db
def test_p17_the_public_status_page_names_no_one_and_keeps_a_rejection_reason_from_a_neighbour(
    client: Client, clock_at
) -> None:  # type: ignore[no-untyped-def]
    from zhenxing.divisions.models import Division
    from zhenxing.monitoring.identification import services
    from zhenxing.portal.services import application_submit

    from ..conftest import VILLAGE

    clock_at(START)
    user = people()
    household = poor_household()
    name, number, masked = _head(household)
    values = {
        "village": Division.objects.get(code=VILLAGE), "id_number": number, "phone": "13800001234",
        "difficulties": ["医疗"], "description": "老伴住院，花了很多钱", "ip_address": "10.0.0.1",
    }  # fmt: skip
    own = application_submit(name=name, on_behalf=False, **values)  # type: ignore[arg-type]
    neighbour = application_submit(
        name=name,
        on_behalf=True,
        reporter_name="邻居张三",
        reporter_relation="邻居",
        **values,  # type: ignore[arg-type]
    )
    reason = "家庭人均纯收入高于监测范围，家中有人患慢性病已有医保报销"
    services.case_move(actor=user["village"], case=own.case, to="rejected", findings=reason)
    for application, shows_reason in ((own, True), (neighbour, False)):
        page = client.post("/apply/status/", {"code": application.tracking_code, "tail": number[-4:]})
        html = page.content.decode()
        assert "暂不纳入监测" in html
        assert (reason in html) is shows_reason
        assert name not in html and masked not in html and "邻居张三" not in html
        assert "13800001234" not in html and application.phone_masked not in html


@pytest.mark.django_db
def test_the_notice_is_signed_by_the_village_committee_named_once(client: Client, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given a posted notice of 西山村委会 (the NBS name already names the committee)
    clock_at(START)
    user, notice, _ = _noticed()
    client.force_login(user["township"])
    # when the print page is read
    html = client.get(f"/cases/notices/{notice.pk}/print/").content.decode()  # type: ignore[attr-defined]
    signature = html[html.index('class="sign"') :]
    # then the committee signs once, not "西山村委会村民委员会"
    assert signature.startswith('class="sign">西山村委会<br>') and "委会村民委员会" not in html
