"""Audit actions are declared once with a Chinese label, and the audit page shows words, not codes."""

from __future__ import annotations

import ast
import importlib
import pathlib
import re

import pytest
from django.db import transaction
from django.test import Client

from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.audit.actions import ACTION_LABELS
from zhenxing.common.workflow import Workflow
from zhenxing.monitoring.enums import CaseStatus

SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "zhenxing"
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and CODE.match(n.value)
    }


def actions_written_in_src() -> set[str]:
    """Every literal `action=` of a call (audit.record, Move), and the action column of record_many rows."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "add_argument":  # argparse's action="store_true"
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    found |= _strings(keyword.value)
            if name == "record_many":
                for row in (n for arg in node.args for n in ast.walk(arg) if isinstance(n, ast.Tuple)):
                    if len(row.elts) > 3:
                        found |= _strings(row.elts[3])
    return found


def workflow_actions() -> set[str]:
    """Each audited workflow's moves: the move's own action or `<action_prefix>.move`."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or "Workflow(" not in path.read_text(encoding="utf-8"):
            continue
        module = importlib.import_module("zhenxing." + ".".join(path.relative_to(SRC).with_suffix("").parts))
        for value in vars(module).values():
            if isinstance(value, Workflow) and value.audit is not None:
                found |= {move.action or f"{value.action_prefix}.move" for move in value.moves}
    return found


def test_the_scan_finds_the_actions_it_should() -> None:
    # the scan itself can fail: it sees the login, a Move's action, a record_many row and a workflow's moves
    written = actions_written_in_src()
    assert {"auth.login", "case.confirmed", "lead.create", "household.import"} <= written
    assert {"case.move", "measure.move", "lead.dismiss"} <= workflow_actions()
    assert "store_true" not in written


def test_every_action_recorded_anywhere_has_a_chinese_label() -> None:
    missing = sorted((actions_written_in_src() | workflow_actions()) - set(ACTION_LABELS))
    assert not missing, f"在 zhenxing/audit/actions.py 中为这些审计操作声明中文名称：{missing}"
    assert all(CJK.search(label) for label in ACTION_LABELS.values())


def test_every_elimination_reason_has_an_audit_label() -> None:
    from zhenxing.audit.display import VALUE_LABELS
    from zhenxing.policy.rules.elimination import ELIMINATION_REASONS

    assert set(ELIMINATION_REASONS) <= set(VALUE_LABELS)


def _record(**kwargs: object) -> None:
    with transaction.atomic():
        audit.record(**kwargs)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_audit_page_renders_labels_not_codes(client: Client) -> None:
    # given: a login, a case moving to county decision, an evaluation with reasons, booleans and None
    user = make_user(Role.PREFECTURE, "5329")
    _record(actor=user, action="auth.login", target=user)
    _record(
        actor=user, action="case.move", target=("monitoring.case", "7"),
        old={"status": CaseStatus.TOWNSHIP_REVIEW}, new={"status": CaseStatus.COUNTY_DECISION},
    )  # fmt: skip
    _record(
        actor=user, action="evaluation.create", target=("monitoring.evaluation", "3"),
        new={
            "eligible": False, "reasons": ["monitoring_too_short"], "authorization_signed": True, "ends_on": None,
            "visited_at": "2025-09-01T00:30:00+00:00",
        },
    )  # fmt: skip
    client.force_login(user)
    # when
    html = client.get("/audit/").content.decode()
    # then: Chinese words, no raw codes
    for word in (
        "登录",
        "用户 #",
        "办理环节",
        "乡镇审核",
        "县级确定",
        "成效评估",
        "纳入监测时间不足",
        "否",
        "是",
        "—",
    ):
        assert word in html, word
    table = html[html.index('data-testid="audit-table"') :]
    for code in (
        "auth.login",
        "accounts.user",
        "county_decision",
        "monitoring_too_short",
        "True",
        "False",
        "None",
    ):
        assert f">{code}" not in table and f"{code}<" not in table and f"'{code}'" not in table, code


@pytest.mark.django_db
def test_action_filter_is_a_choice_list_and_dates_are_pickers(client: Client) -> None:
    user = make_user(Role.PREFECTURE, "5329")
    _record(actor=user, action="auth.login", target=user)
    _record(actor=user, action="auth.logout", target=user)
    client.force_login(user)
    # when: filtered by a chosen action
    response = client.get("/audit/", {"action": "auth.logout", "date_from": "2000-01-01"})
    html = response.content.decode()
    # then
    assert [row.event.action for row in response.context["rows"]] == ["auth.logout"]
    assert '<select name="action"' in html and '<option value="auth.login">登录</option>' in html
    assert 'type="date"' in html and 'lang="zh-CN"' in html


@pytest.mark.django_db
def test_admin_lists_the_audit_log_in_chinese_and_read_only(admin_client: Client) -> None:
    # given
    user = make_user(Role.PREFECTURE, "5329")
    _record(actor=user, action="auth.login", target=user)
    # when
    index = admin_client.get("/admin/").content.decode()
    listing = admin_client.get("/admin/audit/auditevent/").content.decode()
    # then: reachable from the admin index, labelled, and with no add button
    assert "/admin/audit/auditevent/" in index
    assert '<td class="field-action_name">登录</td>' in listing
    assert "用户 #" in listing
    assert "/admin/audit/auditevent/add/" not in listing
