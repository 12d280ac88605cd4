"""A small ledger for the page tests (P14): 南涧's central-funds line of 150 万元, a road project of 西山村 in the
library, a split of 60 万元 entered by the finance bureau with a payment of 10 万元, and a 20 万元 split the county
proposed; the users of every role that the by-role table tries."""

from __future__ import annotations

from typing import Any

from tests.conftest import TOWNSHIP, VILLAGE
from tests.factories import make_user
from tests.projects.builders import sector_user
from zhenxing.accounts.enums import Role
from zhenxing.common import clock
from zhenxing.funds import services

from .builders import allocation, fund_users, library_project


def ledger_world() -> dict[str, Any]:
    users = fund_users()
    project = library_project(users["county"])
    document = allocation(users["finance"])
    line = document.lines.get()
    split = services.split_create(actor=users["finance"], line=line, project=project, amount="60")
    payment = services.payment_create(
        actor=users["finance"], split=split, amount="10", paid_on=clock.today(), payee="南涧县鑫达建筑公司",
        voucher="记-001",
    )  # fmt: skip
    proposed = services.split_create(actor=users["county"], line=line, project=project, amount="20")
    users.update(
        village=make_user(Role.VILLAGE, VILLAGE, username="f_cun"),
        township=make_user(Role.TOWNSHIP, TOWNSHIP, username="f_zhen"),
        county_sector=sector_user(username="f_bumen"),
        department=make_user(Role.DEPARTMENT, username="f_yibao"),
        admin=make_user(Role.ADMIN, username="f_admin"),
    )  # fmt: skip
    return {
        "users": users, "project": project.pk, "allocation": document.pk, "line": line.pk, "split": split.pk,
        "payment": payment.pk, "proposed": proposed.pk, "objects": {"project": project, "line": line,
        "split": split, "payment": payment, "proposed": proposed, "allocation": document},
    }  # fmt: skip
