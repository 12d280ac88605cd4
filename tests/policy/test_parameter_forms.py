"""Policy parameters read and edit as labelled Chinese fields per kind (P4: carried as data, with provenance)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import InvalidInput
from zhenxing.policy import selectors
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.lines import line_for
from zhenxing.policy.models import Parameter
from zhenxing.policy.parameter_fields import KIND_LAYOUTS, ParameterValueForm, Shape, value_rows
from zhenxing.policy.values import clean_value

from ..factories import make_user

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
# kinds that ship without a row, with a value to show them by
SHIPPED_EMPTY = {ParameterKind.POVERTY_STANDARD: {"yuan": 4000}}


def _current(kind: str) -> Parameter:
    return Parameter.objects.filter(kind=kind, is_current=True).order_by("-year").first()  # type: ignore[return-value]


def _posted(form: ParameterValueForm) -> dict[str, object]:
    """What a browser posts back for a form left as it was rendered."""
    data: dict[str, object] = {}
    for name in form.fields:
        initial = form.initial.get(name)
        data[name] = initial if isinstance(initial, list) else ("" if initial is None else str(initial))
    return data


@pytest.mark.parametrize("kind", ParameterKind.values)
def test_every_kind_has_labelled_fields_that_round_trip(kind: str) -> None:
    """Iterates the enum: a new kind cannot ship without its display and its form."""
    # given the shipped current value of the kind
    assert kind in KIND_LAYOUTS
    parameter = _current(kind)
    # a kind shipped empty on purpose (P16: the national poverty standard) is shown with a sample value
    value = parameter.value if parameter is not None else SHIPPED_EMPTY[kind]
    # when it is shown
    rows = value_rows(kind, value)
    # then every line has a Chinese label and a text (no dict, no list brackets)
    assert rows
    for label, text in rows:
        assert CJK.search(label)
        assert text and "{" not in text and "[" not in text
    # and the edit form, rendered with it and posted back unchanged, gives the same stored value
    form = ParameterValueForm(kind=kind, initial=ParameterValueForm.initial_for(kind, value))
    for field in form.fields.values():
        assert CJK.search(str(field.label))
    posted = ParameterValueForm(_posted(form), kind=kind)
    assert posted.is_valid(), posted.errors
    assert clean_value(kind, posted.value()) == clean_value(kind, value)


def test_monitoring_line_reads_as_yuan_with_separators() -> None:
    line = selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025)
    assert value_rows(line.kind, line.value) == [("标准", "8,700.00 元/人·年")]


def test_step_deadlines_name_each_step_in_chinese() -> None:
    deadlines = _current(ParameterKind.STEP_DEADLINES)
    rows = dict(value_rows(deadlines.kind, deadlines.value))
    assert rows["综合分析研判"] == "5 个工作日"
    assert rows["公示期"] == "5 个工作日"
    assert rows["申报未办结上报天数"] == "10 天"


def test_notice_risk_types_show_county_names() -> None:
    rows = value_rows(ParameterKind.NOTICE_RISK_TYPES, ["532926"])
    assert rows == [("公示中显示风险类型的县", "南涧彝族自治县（532926）")]
    assert value_rows(ParameterKind.NOTICE_RISK_TYPES, [])[0][1].startswith("无")


def test_detail_page_shows_labels_not_a_dict(client: Client) -> None:
    client.force_login(make_user(Role.VILLAGE, "532926101202"))
    deadlines = _current(ParameterKind.STEP_DEADLINES)
    html = client.get(f"/policy/parameters/{deadlines.pk}/").content.decode()
    assert "实地调查" in html and "3 个工作日" in html
    assert "'analysis'" not in html and "{&#x27;" not in html


def test_list_has_total_and_pages(client: Client) -> None:
    client.force_login(make_user(Role.COUNTY, "532926"))
    html = client.get("/policy/parameters/").content.decode()
    total = Parameter.objects.filter(is_current=True).count()
    assert f"共 {total} 条" in html
    assert 'data-label="取值"' in html and "8,700.00 元/人·年" in html


def test_shipped_documents_name_the_issuing_document_not_the_spec_file() -> None:
    """P4: provenance is the document, never this project's POLICY.md."""
    assert not Parameter.objects.filter(document__contains="POLICY.md").exists()
    deadlines = _current(ParameterKind.STEP_DEADLINES)
    assert "《大理州“十四五”巩固拓展脱贫攻坚成果同乡村振兴有效衔接规划》" in deadlines.document


def test_admin_revises_money_in_yuan_with_separators(client: Client) -> None:
    # given the 2025 line, 8,700 yuan
    admin = make_user(Role.ADMIN)
    client.force_login(admin)
    line = selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025)
    # when the administrator enters 9,100.50 yuan
    response = client.post(
        f"/policy/parameters/{line.pk}/",
        {"value": "9,100.50", "document": "云农办通〔2025〕9号", "verified": "on", "reason": "年中调整"},
    )
    # then a new version holds it, the old one stays, decisions read it in fen
    assert response.status_code == 302
    current = selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025)
    assert current.version == line.version + 1 and current.pk != line.pk
    assert line_for(year=2025).fen == 910050
    line.refresh_from_db()
    assert line.value == 8700 and not line.is_current
    event = AuditEvent.objects.get(action="parameter.revise", actor=admin)
    assert event.old_values is not None and event.old_values["value"] == 8700 and event.reason == "年中调整"


def test_admin_revises_step_deadlines_field_by_field(client: Client) -> None:
    admin = make_user(Role.ADMIN)
    client.force_login(admin)
    deadlines = _current(ParameterKind.STEP_DEADLINES)
    data = {f"value_{key}": str(days) for key, days in deadlines.value.items()}
    data.update({"value_investigation": "4", "document": deadlines.document, "reason": "州里新规定"})
    assert client.post(f"/policy/parameters/{deadlines.pk}/", data).status_code == 302
    revised = _current(ParameterKind.STEP_DEADLINES)
    assert revised.value["investigation"] == 4 and revised.version == deadlines.version + 1
    assert AuditEvent.objects.filter(action="parameter.revise", actor=admin).count() == 1


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("value_investigation", "三", "实地调查应为整数"),
        ("value_investigation", "-1", "实地调查不能为负数"),
        ("value_analysis", "", "请填写综合分析研判"),
    ],
)
def test_bad_input_gives_a_chinese_error_and_stores_nothing(
    client: Client, field: str, raw: str, message: str
) -> None:
    client.force_login(make_user(Role.ADMIN))
    deadlines = _current(ParameterKind.STEP_DEADLINES)
    data = {f"value_{key}": str(days) for key, days in deadlines.value.items()}
    data.update({field: raw, "document": deadlines.document, "reason": "x"})
    response = client.post(f"/policy/parameters/{deadlines.pk}/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _current(ParameterKind.STEP_DEADLINES).pk == deadlines.pk
    assert not AuditEvent.objects.filter(action="parameter.revise").exists()


def test_tiers_must_increase_error_from_the_one_validator(client: Client) -> None:
    client.force_login(make_user(Role.ADMIN))
    tiers = _current(ParameterKind.COLLECTIVE_TIERS)
    data = {"value_0": "50000", "value_1": "20000", "value_2": "100000", "document": "x", "reason": "x"}
    html = client.post(f"/policy/parameters/{tiers.pk}/", data).content.decode()
    assert "分档金额应严格递增" in html
    assert _current(ParameterKind.COLLECTIVE_TIERS).pk == tiers.pk


def test_admin_creates_a_year_line_from_the_kind_form(client: Client) -> None:
    admin = make_user(Role.ADMIN)
    client.force_login(admin)
    # the kind is chosen first; its form has the labelled field
    assert "下一步" in client.get("/policy/parameters/new/").content.decode()
    page = client.get("/policy/parameters/new/?kind=monitoring_line").content.decode()
    assert "标准（元）" in page
    response = client.post(
        "/policy/parameters/new/",
        {"kind": "monitoring_line", "year": "2024", "value": "8,700", "document": "云农办通〔2024〕1号"},
    )
    assert response.status_code == 302
    assert line_for(year=2024).fen == 870000
    assert AuditEvent.objects.filter(action="parameter.create", actor=admin).count() == 1


def test_create_without_year_says_so_in_chinese(client: Client) -> None:
    client.force_login(make_user(Role.ADMIN))
    html = client.post(
        "/policy/parameters/new/", {"kind": "monitoring_line", "value": "8700", "document": "文件"}
    ).content.decode()
    assert "该参数按年度设置，请填写年度" in html
    assert not AuditEvent.objects.filter(action="parameter.create").exists()


def test_admin_turns_on_risk_types_for_a_county_by_ticking_it(client: Client) -> None:
    admin = make_user(Role.ADMIN)
    client.force_login(admin)
    current = _current(ParameterKind.NOTICE_RISK_TYPES)
    assert KIND_LAYOUTS[ParameterKind.NOTICE_RISK_TYPES].shape == Shape.COUNTIES
    page = client.get(f"/policy/parameters/{current.pk}/").content.decode()
    assert "南涧彝族自治县（532926）" in page
    response = client.post(
        f"/policy/parameters/{current.pk}/",
        {"counties": ["532926"], "document": current.document, "reason": "县申请开启"},
    )
    assert response.status_code == 302
    assert _current(ParameterKind.NOTICE_RISK_TYPES).value == ["532926"]
    assert AuditEvent.objects.filter(action="parameter.revise", actor=admin).count() == 1


def test_shipped_notes_read_in_chinese() -> None:
    for parameter in Parameter.objects.filter(created_by__isnull=True):
        assert CJK.search(parameter.note), parameter.note
        assert not re.search(r"\b(verified|working days|default)\b", parameter.note)


def test_a_day_of_the_month_must_exist_in_every_month(client: Client) -> None:
    client.force_login(make_user(Role.ADMIN))
    windows = _current(ParameterKind.SCREENING_WINDOWS)
    data = {f"value_{key}": str(day) for key, day in windows.value.items()}
    page = client.get(f"/policy/parameters/{windows.pk}/").content.decode()
    assert "村级核查截止日（每月第几日，1至28）" in page
    data.update({"value_village_check_day": "31", "document": windows.document, "reason": "x"})
    html = client.post(f"/policy/parameters/{windows.pk}/", data).content.decode()
    assert "村级核查截止日不能大于 28" in html
    assert _current(ParameterKind.SCREENING_WINDOWS).pk == windows.pk


def test_the_list_follows_the_kinds_order_monitoring_line_first() -> None:
    kinds = list(dict.fromkeys(selectors.parameter_list().values_list("kind", flat=True)))
    assert kinds == [kind for kind in ParameterKind.values if kind in kinds]
    assert kinds[0] == ParameterKind.MONITORING_LINE


def test_a_label_does_not_repeat_its_unit() -> None:
    checks = _current(ParameterKind.ASSISTANCE_CHECKS)
    assert ("定期评估间隔", "3 个月") in value_rows(checks.kind, checks.value)


def test_a_screening_day_past_the_28th_is_refused_whatever_the_channel() -> None:
    # given screening windows whose cut-off falls on the 30th (February has none; the API skips the form)
    windows = {
        "village_check_day": 10,
        "township_recheck_day": 20,
        "round_cutoff_day": 30,
        "dismissal_suppression_days": 90,
    }
    # when the value is checked before it is stored, then it is refused in Chinese, naming the field
    with pytest.raises(InvalidInput) as refused:
        clean_value(ParameterKind.SCREENING_WINDOWS, windows)
    assert "并入下月的日期应为每月第1到28日" in refused.value.details[0].message
    # and the 28th, which every month has, is accepted
    assert (
        clean_value(ParameterKind.SCREENING_WINDOWS, {**windows, "round_cutoff_day": 28})["round_cutoff_day"]
        == 28
    )
