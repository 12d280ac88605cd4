"""The data every page of the smoke run shows: the demo's own scenario (synth/demo_scenario.py: the demo users,
西山村 households at every step, feeds, a screening round with open leads of each grade, notices, plans with
measures), plus what the scenario does not make: an import batch that failed validation and one committed, a
portal application, and a lead dismissed by hand. Built once per module, through the services (audited)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from zhenxing.accounts.demo import DEMO_USERS, demo_users_ensure
from zhenxing.accounts.models import User
from zhenxing.divisions.models import Division
from zhenxing.feeds.models import FeedBatch
from zhenxing.monitoring.models import Case, Notice
from zhenxing.policy.models import Parameter
from zhenxing.registry.models import Household
from zhenxing.screening.models import Lead, ScreeningRun
from zhenxing.synth.demo_scenario import FAMILIES, VILLAGE, demo_scenario_ensure, household_code
from zhenxing.transfer.models import ImportBatch

from ..shipped import shipped_data_ensure
from ..transfer.workbook_builder import member_rows, workbook, year_rows

ROLES = ("village", "township", "county", "prefecture", "department", "county_sector", "admin")
# the demo user of each role, where its name is not demo_<role>
DEMO_USERNAMES = {"county_sector": "demo_sector"}


@dataclass
class World:
    users: dict[str, User]
    household: Household  # the monitored household with a plan whose measures are in every state
    cases: dict[str, Case]  # one case per status of the village
    leads: dict[str, Lead]  # an open lead per grade, and "dismissed"
    notice: Notice
    feed_batch: FeedBatch  # the demo department's own batch
    imports: dict[str, ImportBatch]  # "invalid" and "committed"
    parameter: Parameter
    division_of: dict[str, str] = field(default_factory=dict)  # role -> a division code it may open
    tracking_code: str = ""  # the portal application's, for its 已提交 page
    screening_run: ScreeningRun | None = None  # the scenario's prefecture-wide round
    lowincome_lead: Lead | None = None  # the village's lead from the 民政比对 (P17), open


def _imports(village_user: User) -> dict[str, ImportBatch]:
    from zhenxing.transfer import services

    bad = member_rows(VILLAGE, 3, seed=7, code_prefix="SMOKE-BAD-")
    bad[0]["证件号码"] = "110105194912310021"  # a wrong check character
    bad[2]["与户主关系"] = "朋友"
    invalid = services.import_stage(
        actor=village_user, file_name="西山村台账（有误）.xlsx", data=workbook(bad)
    )
    good = member_rows(VILLAGE, 2, seed=8, code_prefix="SMOKE-OK-")
    staged = services.import_stage(
        actor=village_user, file_name="西山村台账.xlsx", data=workbook(good, year_rows(good))
    )
    services.import_confirm(actor=village_user, batch=staged)
    committed = services.import_commit(batch_id=staged.pk)
    return {"invalid": invalid, "committed": committed}


def _portal_application() -> str:
    from zhenxing.portal.services import application_submit

    return application_submit(
        village=Division.objects.get(code=VILLAGE), name="罗小芬", id_number="532926198805290020",
        phone="13908721234", difficulties=["医疗"], description="丈夫住院，医药费花了三万多",
        on_behalf=False, ip_address="127.0.0.1",
    ).tracking_code  # fmt: skip


def world_build() -> World:
    shipped_data_ensure()
    with tempfile.TemporaryDirectory() as folder:
        demo_users_ensure(credentials_file=Path(folder) / "demo_credentials.txt")
    demo_scenario_ensure()
    users = {role: User.objects.get(username=DEMO_USERNAMES.get(role, f"demo_{role}")) for role in ROLES}
    assert {u.username for u in users.values()} == {d.username for d in DEMO_USERS}
    imports = _imports(users["village"])
    tracking_code = _portal_application()
    village_cases = Case.objects.filter(village__code=VILLAGE).order_by("pk")
    cases: dict[str, Case] = {}
    for case in village_cases:
        cases.setdefault(str(case.status), case)
    # the application case shown is the portal's: it names who applied (issue 15)
    portal_case = Case.objects.filter(applications__tracking_code=tracking_code).first()
    if portal_case is not None:
        cases["application"] = portal_case
    leads: dict[str, Lead] = {}
    for lead in Lead.objects.filter(household__village__code=VILLAGE).order_by("pk"):
        key = str(lead.grade) if lead.status == "open" else str(lead.status)
        leads.setdefault(key, lead)
    monitored = Household.objects.get(code=household_code(FAMILIES["monitored"]))
    notice = Notice.objects.filter(village__code=VILLAGE, objections__isnull=False).order_by("pk").first()
    notice = notice or Notice.objects.filter(village__code=VILLAGE).order_by("pk").first()
    assert notice is not None
    feed_batch = FeedBatch.objects.filter(department=users["department"].department).order_by("pk").first()
    assert feed_batch is not None
    parameter = Parameter.objects.order_by("pk").first()
    assert parameter is not None
    division_of = {
        "village": VILLAGE,
        "township": VILLAGE[:9],
        "county": VILLAGE[:6],
        "prefecture": VILLAGE[:6],
        "admin": VILLAGE[:6],
    }
    return World(
        users, monitored, cases, leads, notice, feed_batch, imports, parameter, division_of, tracking_code,
        ScreeningRun.objects.exclude(engine="civil_affairs").order_by("-pk").first(),
        Lead.objects.filter(
            household__village__code=VILLAGE, status="open", lowincome_differences__isnull=False
        ).order_by("pk").first(),
    )  # fmt: skip
