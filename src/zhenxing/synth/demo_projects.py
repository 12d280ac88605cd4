"""The demo's project library (P14) in 南涧: projects at every stage, made through the project services so that
every step has its record, its opinion and its audit event, as the demo users would have done them.

西山村's road proposal is under announcement with an open objection; other projects stand at 乡审核, 县(市)部门
审查 (南涧's 交通运输局, the demo sector user), 县市领导小组审核 and 州领导小组审定, one was sent back; six
decided in one 州审定 batch and announced in the county's library notice stand at 储备, 开工, 在建, 竣工, 验收 and
资产移交; an emergency repair went the emergency path and was filed with the prefecture; one project under
construction is being adjusted (its second version at 部门审查).

Past steps are done with the process clock moved back, as in synth/demo_scenario.py. Road projects (the
transport sector) for everything that passes 部门审查, since the demo has that one sector user. Idempotent:
once its first project exists it does nothing; one transaction, all or nothing.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from zhenxing.accounts.demo import DEMO_USERS
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.errors import Conflict
from zhenxing.projects import notices, services
from zhenxing.projects.entry import ProjectInput
from zhenxing.projects.enums import NoticeKind
from zhenxing.projects.models import Project
from zhenxing.registry.models import Household

VILLAGE = "532926101202"  # 西山村委会
NEIGHBOUR = "532926101204"  # 团山村委会, same township
COUNTY = "532926"
WALNUT_HOUSEHOLDS = 6  # the 到户 walnut project gives to the first six households of 西山村
FIRST_NAME = (
    "西山村大村组至小村组道路硬化"  # the proposal under announcement: its presence means the library is built
)
OBJECT_TO = {
    "village": "西山村委会 0879-3521202",
    "county": "南涧县乡村振兴局 0879-3522345",
}
_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TARGETS = (
    ("output", "新建硬化道路长度", "≥2公里"),
    ("benefit", "受益脱贫人口（含监测对象）", "≥100人"),
    ("satisfaction", "受益群众满意度", "≥90%"),
)


@dataclass
class _Cast:
    village: User
    township: User
    sector: User
    county: User
    prefecture: User


def _cast() -> _Cast:
    by_role = {demo.role: demo.username for demo in DEMO_USERS}
    users = {user.role: user for user in User.objects.filter(username__in=by_role.values())}
    roles = (Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY_SECTOR, Role.COUNTY, Role.PREFECTURE)
    if any(role not in users for role in roles):
        raise Conflict("演示项目库需要先创建演示用户（村、乡镇、县行业部门、县、州）")
    return _Cast(*(users[role] for role in roles))


def _minutes(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _PDF, content_type="application/pdf")


def _road(
    name: str, *, places: list[tuple[str, str]], total: str, sources: dict[str, str], **more: Any
) -> ProjectInput:
    today = clock.today()
    values: dict[str, Any] = {
        "name": name, "year": clock.today().year, "category": "construction_roads", "places": places,
        "implementing_unit": "南涧镇人民政府", "content": "村组道路路基整修及水泥混凝土路面硬化", "scale": "2公里，宽4.5米",
        "starts_on": today + datetime.timedelta(days=30), "ends_on": today + datetime.timedelta(days=210),
        "total": total, "sources": sources, "targets": TARGETS,
    }  # fmt: skip
    values.update(more)
    return ProjectInput(**values)


class _Demo:
    def __init__(self, cast: _Cast, today: datetime.date) -> None:
        self.cast, self.today = cast, today

    def day(self, back: int) -> datetime.date:
        return self.today - datetime.timedelta(days=back)

    def at(self, back: int):  # type: ignore[no-untyped-def]
        return clock.travel(self.day(back))

    def village_proposal(self, data: ProjectInput, *, back: int) -> Project:
        """Proposed and announced on the village board `back` days ago."""
        c = self.cast
        with self.at(back):
            project = services.project_propose(actor=c.village, data=data)
            notice = notices.notice_create(
                actor=c.village, kind=NoticeKind.PROPOSAL, projects=[project], title="",
                object_to=OBJECT_TO["village"],
            )  # fmt: skip
            notices.notice_post(actor=c.village, notice=notice)
        return project

    def review(self, project: Project, *, until: str, back: int) -> Project:
        """From where it stands up the chain to `until`, a step every two days from `back` days ago."""
        c = self.cast
        chain = [
            ("township_review", c.village, ""), ("department_review", c.township, "乡镇审核同意"),
            ("county_review", c.sector, "符合行业规划，同意"), ("prefecture_decision", c.county, "县领导小组审核同意"),
        ]  # fmt: skip
        states = [state for state, _, _ in chain]
        start = states.index(project.status) + 1 if project.status in states else 0
        for state, actor, opinion in chain[start : states.index(until) + 1]:
            with self.at(back):
                files = [_minutes("县领导小组会议纪要.pdf")] if state == "prefecture_decision" else []
                project = services.project_move(
                    actor=actor, project=project, to=state, opinion=opinion, files=files
                )
            back -= 2
        return project

    def execute(self, project: Project, *, until: str, back: int, every: int) -> Project:
        c = self.cast
        chain = ["started", "building", "completed", "accepted", "handed_over"]
        for state in chain[: chain.index(until) + 1]:
            with self.at(back):
                opinion = "经验收，工程质量合格" if state == "accepted" else ""
                project = services.project_move(actor=c.county, project=project, to=state, opinion=opinion)
            back -= every
        return project


def demo_projects_exist() -> bool:
    return Project.objects.filter(name=FIRST_NAME, county__code=COUNTY).exists()


@dataclass(frozen=True)
class DemoProjectsResult:
    projects: int
    seconds: float


def demo_projects_ensure(*, today: datetime.date | None = None) -> DemoProjectsResult | None:
    if demo_projects_exist():
        return None
    started = time.perf_counter()
    cast = _cast()
    with clock.travel(today or clock.today()), transaction.atomic():
        count = _build(_Demo(cast, clock.today()))
    return DemoProjectsResult(projects=count, seconds=time.perf_counter() - started)


def _build(d: _Demo) -> int:
    c = d.cast
    made: list[Project] = []
    both = [(VILLAGE, ""), (NEIGHBOUR, "")]
    county_unit = {"implementing_unit": "南涧彝族自治县交通运输局"}

    # in the library: six projects decided in one 州审定 batch 150 days ago, announced, then carried on
    decided = [
        d.village_proposal(_road("西山村委会大村组产业路硬化", places=[(VILLAGE, "大村组")], total="86.5",
                                 sources={"central": "70", "county": "16.5"}), back=185),
        d.village_proposal(_road("西山村委会小村组入户路硬化", places=[(VILLAGE, "小村组")], total="42",
                                 sources={"central": "42"}), back=185),
    ]  # fmt: skip
    decided = [d.review(p, until="prefecture_decision", back=170) for p in decided]
    with d.at(178):
        township = services.project_propose(
            actor=c.township, data=_road("南涧镇西山村至团山村连接道路", places=both, total="268",
                                         sources={"central": "200", "province": "48", "county": "20"}),
        )  # fmt: skip
        by_sector = [
            services.project_propose(actor=c.sector, data=_road(name, places=both, total=total, sources=sources, **county_unit))
            for name, total, sources in (
                ("南涧县西山片区农村公路安全生命防护工程", "356", {"central": "300", "integrated": "56"}),
                ("南涧县西山村通村公路提升改造", "520", {"central": "400", "province": "80", "bonds": "40"}),
                ("南涧县团山村至西山村公路桥梁改造", "188", {"central": "188"}),
            )
        ]  # fmt: skip
    decided += [d.review(p, until="prefecture_decision", back=170) for p in (township, *by_sector)]
    with d.at(150):
        services.project_batch_decide(
            actor=c.prefecture, county=decided[0].county, projects=decided, opinion="州乡村振兴领导小组审定，同意入库",
            minutes=[_minutes("州领导小组会议纪要.pdf")],
        )  # fmt: skip
    decided = [Project.objects.get(pk=p.pk) for p in decided]
    with d.at(148):
        library = notices.notice_create(
            actor=c.county, kind=NoticeKind.LIBRARY, projects=decided, title="", object_to=OBJECT_TO["county"]
        )
        notices.notice_post(actor=c.county, notice=library)
    _reserved, accepted, started, completed, building, handed = decided  # 储备 stays where it is
    d.execute(started, until="started", back=120, every=0)
    building = d.execute(building, until="building", back=120, every=20)
    d.execute(completed, until="completed", back=120, every=30)
    d.execute(accepted, until="accepted", back=110, every=25)
    d.execute(handed, until="handed_over", back=110, every=20)
    made += decided
    # 项目调整: the road under construction gets longer — its second version at 部门审查, the first still in the
    # library until the new one is decided
    with d.at(6):
        made.append(
            services.project_adjust(
                actor=c.sector, project=building, reason="经设计复核，线路延长0.6公里",
                data=_road("南涧县西山村通村公路提升改造", places=both, total="585", scale="2.6公里，宽4.5米",
                           sources={"central": "440", "province": "85", "bonds": "60"}, **county_unit),
            )
        )  # fmt: skip

    # an emergency repair after the rains: straight to the county's 领导小组, into the library, started, filed
    with d.at(40):
        emergency = services.project_propose(
            actor=c.county, data=_road("西山村委会大村组水毁道路抢修", places=[(VILLAGE, "大村组")], total="35.8",
                                       sources={"central": "35.8"}, emergency=True, emergency_kind="disaster",
                                       emergency_reason="8月强降雨致大村组道路塌方，群众出行中断，须立即抢修"),
        )  # fmt: skip
    with d.at(39):
        emergency = services.project_move(
            actor=c.county, project=emergency, to="reserved", opinion="同意按应急程序实施",
            files=[_minutes("县领导小组会议纪要（应急）.pdf")],
        )  # fmt: skip
    with d.at(37):
        emergency = services.project_move(actor=c.county, project=emergency, to="started")
    with d.at(30):
        services.project_file_emergency(actor=c.prefecture, project=emergency, opinion="同意备案")
    made.append(emergency)

    # along the approval chain today
    at_prefecture = d.village_proposal(
        _road("西山村委会中村组道路硬化", places=[(VILLAGE, "中村组")], total="64", sources={"central": "54", "county": "10"}),
        back=30,
    )  # fmt: skip
    made.append(d.review(at_prefecture, until="prefecture_decision", back=18))
    at_county = d.village_proposal(
        _road("西山村委会上村组机耕路硬化", places=[(VILLAGE, "上村组")], total="38.2", sources={"central": "38.2"}),
        back=28,
    )  # fmt: skip
    made.append(d.review(at_county, until="county_review", back=16))
    at_sector = d.village_proposal(
        _road("西山村委会下村组连户路硬化", places=[(VILLAGE, "下村组")], total="27.5", sources={"central": "27.5"}),
        back=34,
    )  # fmt: skip
    made.append(d.review(at_sector, until="department_review", back=22))  # past its 10 working days
    households = list(
        Household.objects.filter(village__code=VILLAGE)
        .order_by("pk")
        .values_list("pk", flat=True)[:WALNUT_HOUSEHOLDS]
    )
    walnut = _road(
        "西山村核桃提质增效", places=[(VILLAGE, "")], total="45", sources={"central": "40", "self_raised": "5"},
        category="industry_planting", content="核桃低产园改造、病虫害统防统治", scale="1200亩",
        targets=(("output", "改造核桃低产园面积", "≥1200亩"), ("benefit", "带动脱贫户户均增收", "≥800元"),
                 ("satisfaction", "受益群众满意度", "≥90%")),
        linkage_mechanisms=["production", "sales"], linked_tuopin_people=86, linked_monitoring_people=9,
        to_households=bool(households), household_ids=households,
    )  # fmt: skip
    made.append(d.review(d.village_proposal(walnut, back=22), until="township_review", back=11))
    sent_back = d.village_proposal(
        _road("西山村委会肉牛养殖小区", places=[(VILLAGE, "")], total="120", sources={"central": "100", "self_raised": "20"},
              category="industry_breeding", content="新建标准化圈舍及粪污处理设施", scale="圈舍1500平方米",
              targets=(("output", "新建圈舍面积", "≥1500平方米"), ("benefit", "带动脱贫户养殖增收", "≥30户"),
                       ("satisfaction", "受益群众满意度", "≥90%")),
              linkage_mechanisms=["equity", "dividend"], linked_tuopin_people=64, linked_monitoring_people=5),
        back=21,
    )  # fmt: skip
    sent_back = d.review(sent_back, until="township_review", back=10)
    with d.at(6):
        made.append(
            services.project_move(
                actor=c.township, project=sent_back, to="returned",
                opinion="联农带农机制不具体：请写明入股分红的比例和受益户名单",
            )
        )  # fmt: skip

    # the village's newest proposal, under announcement, with an objection waiting for its answer
    newest = d.village_proposal(
        _road(FIRST_NAME, places=[(VILLAGE, "大村组"), (VILLAGE, "小村组")], total="96.3",
              sources={"central": "80", "county": "16.3"}),
        back=3,
    )  # fmt: skip
    with d.at(1):
        notice = newest.notice_entries.get().notice
        notices.objection_record(
            actor=c.village, notice=notice, project=newest, content="道路经过我家承包地，占地如何补偿？",
            contact_name="大村组村民",
        )  # fmt: skip
    made.append(newest)
    return len(made)
