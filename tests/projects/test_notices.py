"""P14 公告公示: an announcement's period is the parameter's calendar days; a village's proposal goes to the
township only after its announcement ended with every objection answered; a draft takes no objections; the
printed notice names a 到户 project's households only during its period (P17); the PDF is a real PDF.
Service and pages, on both databases."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client

from tests.conftest import OTHER_TOWNSHIP, SAME_TOWNSHIP_VILLAGE, VILLAGE
from tests.factories import make_household, make_user
from tests.projects.builders import minutes_pdf, project_input, project_users, sector_user, to_library
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict, InvalidInput
from zhenxing.divisions.models import Division
from zhenxing.projects import notices, services
from zhenxing.projects.enums import NoticeKind
from zhenxing.projects.models import Project, ProjectNotice, ProjectObjection
from zhenxing.projects.notice_pdf import village_pages
from zhenxing.projects.procedure import procedure_on

pytestmark = pytest.mark.django_db

FIRST = datetime.date(2026, 3, 1)
OBJECT_TO = "西山村委会 0879-1234567"


def _proposal(users: dict, **changes: object) -> Project:
    return services.project_propose(actor=users["village"], data=project_input(**changes))


def _draft(users: dict, project: Project) -> ProjectNotice:
    return notices.notice_create(
        actor=users["village"], kind=NoticeKind.PROPOSAL, projects=[project], title="", object_to=OBJECT_TO
    )


def _signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_p14_notice_period_is_the_parameters_calendar_days(shipped_data, clock_at):
    # given a village proposal and its draft announcement, on the 1st
    clock_at(FIRST)
    users = project_users()
    notice = _draft(users, _proposal(users))
    # when it is posted
    notice = notices.notice_post(actor=users["village"], notice=notice)
    # then it runs the parameter's days, the posting day the first: the 1st to the 10th
    days = procedure_on(FIRST)[0]["notice_days"]
    assert (notice.period_days, notice.posted_on, notice.ends_on) == (days, FIRST, datetime.date(2026, 3, 10))
    assert days == 10 and notice.parameter_version["year"] == 2021
    event = AuditEvent.objects.get(action="project_notice.post", target_id=str(notice.pk))
    assert event.new_values["ends_on"] == "2026-03-10" and event.new_values["period_days"] == 10


def test_p14_proposal_reaches_the_township_only_after_its_notice_ended_with_objections_answered(
    shipped_data, clock_at
):
    # given a posted proposal announcement (1st to 10th) with an objection raised on the 5th
    clock_at(FIRST)
    users = project_users()
    project = _proposal(users)
    notice = notices.notice_post(actor=users["village"], notice=_draft(users, project))
    clock_at(datetime.date(2026, 3, 5))
    raised = notices.objection_record(actor=users["village"], notice=notice, content="道路走向占用了我家的地")
    # when the last day has not passed, then the proposal cannot go on
    clock_at(datetime.date(2026, 3, 10))
    with pytest.raises(Conflict, match="公示期满"):
        services.project_move(actor=users["village"], project=project, to="township_review")
    # when the period has ended but the objection is open, then neither
    clock_at(datetime.date(2026, 3, 11))
    with pytest.raises(Conflict, match="异议未答复"):
        services.project_move(actor=users["village"], project=project, to="township_review")
    # when it is answered, then it goes to the township
    notices.objection_answer(actor=users["village"], objection=raised, answer="已调整走向，不占用耕地")
    moved = services.project_move(actor=users["village"], project=project, to="township_review")
    assert moved.status == "township_review"
    assert AuditEvent.objects.filter(action="project_objection.answer", target_id=str(raised.pk)).exists()


def test_p14_notice_pages_create_post_record_and_answer(shipped_data, clock_at):
    """The same chain through the pages: new announcement, post, an objection recorded and answered."""
    clock_at(FIRST)
    users = project_users()
    project = _proposal(users)
    cadre = _signed_in(users["village"])
    # the new page lists the village's own proposal
    page = cadre.get("/projects/notices/new/", {"kind": "proposal"})
    assert page.status_code == 200 and project.name in page.content.decode()
    created = cadre.post(
        "/projects/notices/new/",
        {"kind": "proposal", "projects": [project.pk], "object_to": OBJECT_TO, "title": ""},
    )
    notice = ProjectNotice.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/projects/notices/{notice.pk}/"
    assert notice.title == "西山村委会村级项目申报公示：大村组道路硬化" and notice.status == "draft"
    assert AuditEvent.objects.filter(action="project_notice.create", target_id=str(notice.pk)).exists()
    # posted from its page
    assert cadre.post(f"/projects/notices/{notice.pk}/post/").status_code == 302
    notice.refresh_from_db()
    assert (notice.posted_on, notice.ends_on) == (FIRST, datetime.date(2026, 3, 10))
    # an objection recorded on the 3rd, answered from the page
    clock_at(datetime.date(2026, 3, 3))
    cadre.post(
        f"/projects/notices/{notice.pk}/objections/",
        {"kind": "objection", "channel": "phone", "raised_on": "2026-03-03", "content": "占用耕地", "project": project.pk},
    )  # fmt: skip
    objection = ProjectObjection.objects.get()
    assert (objection.channel, objection.project_id, objection.status) == ("phone", project.pk, "open")
    listed = cadre.get("/projects/notices/")
    assert notice.title in listed.content.decode() and listed.context["notices"][0].open_objections == 1
    clock_at(datetime.date(2026, 3, 11))
    with pytest.raises(Conflict):
        services.project_move(actor=users["village"], project=project, to="township_review")
    assert (
        cadre.post(
            f"/projects/objections/{objection.pk}/answer/", {"answer": "已核实，不占用耕地"}
        ).status_code
        == 302
    )
    objection.refresh_from_db()
    assert objection.status == "answered"
    assert services.project_move(actor=users["village"], project=project, to="township_review").status == (
        "township_review"
    )


def test_p14_a_draft_takes_no_objections(shipped_data, clock_at):
    clock_at(FIRST)
    users = project_users()
    notice = _draft(users, _proposal(users))
    # service: refused, naming the notice
    with pytest.raises(InvalidInput) as refused:
        notices.objection_record(actor=users["village"], notice=notice, content="有意见")
    assert any(d.loc == ("notice",) for d in refused.value.details)
    # page: the form is not offered, and a post stores nothing
    cadre = _signed_in(users["village"])
    page = cadre.get(f"/projects/notices/{notice.pk}/")
    assert 'data-testid="objection-form"' not in page.content.decode()
    response = cadre.post(
        f"/projects/notices/{notice.pk}/objections/",
        {"kind": "objection", "channel": "phone", "raised_on": "2026-03-01", "content": "有意见"},
    )
    assert response.status_code == 302 and not ProjectObjection.objects.exists()


def _to_households_project(users: dict) -> tuple[Project, list[str]]:
    heads = ["段志强", "字春梅"]
    households = [make_household(VILLAGE, head_name=name) for name in heads]
    project = _proposal(
        users, name="西山村肉牛养殖到户补助", category="industry_breeding", to_households=True,
        household_ids=[h.pk for h in households], linkage_mechanisms=["production"], linked_tuopin_people=2,
        linked_monitoring_people=0,
    )  # fmt: skip
    return project, heads


def test_p17_print_names_households_during_the_period_only(shipped_data, clock_at):
    # given a 到户 proposal with two named households, announced from the 1st to the 10th
    clock_at(FIRST)
    users = project_users()
    project, heads = _to_households_project(users)
    notice = _draft(users, project)
    cadre = _signed_in(users["village"])
    # a draft's print page does not name them yet
    draft = cadre.get(f"/projects/notices/{notice.pk}/print/").content.decode()
    assert not any(head in draft for head in heads) and "共 2 户" in draft
    notices.notice_post(actor=users["village"], notice=notice)
    # when it runs, then the print page lists each head with the facts P14 requires
    during = cadre.get(f"/projects/notices/{notice.pk}/print/").content.decode()
    assert all(head in during for head in heads)
    for fact in ("西山村肉牛养殖到户补助", "大村组", "120.5 万元", "中央财政衔接资金 100 万元", "南涧镇人民政府",
                 "受益群众满意度", "带动生产", "2026年03月01日至2026年03月10日", "<svg", f"/v/{VILLAGE}/"):  # fmt: skip
        assert fact in during, fact
    # the cadre's own page shows the count, not the names
    detail = cadre.get(f"/projects/notices/{notice.pk}/").content.decode()
    assert not any(head in detail for head in heads)
    # when the period is over, then the printed page leaves the names out
    clock_at(datetime.date(2026, 3, 11))
    after = cadre.get(f"/projects/notices/{notice.pk}/print/").content.decode()
    assert not any(head in after for head in heads) and "共 2 户" in after


def test_p17_print_and_pdf_name_households_only_to_the_office_posting_it(shipped_data, clock_at):
    """P17: the named 到户 list is for the notice on the wall, printed by the office that posts it. A county
    sector department (no registry: the project page withholds the names from it) and a village reading the
    county's notice (other villages' households) get the count, on the print page and in the PDF."""
    # given a 到户 project in the library and the county's library notice running
    clock_at(FIRST)
    users = project_users()
    users["sector"] = sector_user("agriculture", username="p_nongye")
    project, heads = _to_households_project(users)
    project = to_library(project, users)
    notice = notices.notice_post(
        actor=users["county"],
        notice=notices.notice_create(
            actor=users["county"], kind=NoticeKind.LIBRARY, projects=[project], title="",
            object_to="县乡村振兴局 0879-6020000",
        ),
    )  # fmt: skip
    assert notices.notice_running(notice)
    # when the county (the poster) prints it, then the heads are named
    assert all(head in _print(users["county"], notice) for head in heads)
    # when the agriculture department or the village prints it, then only the count
    for reader in (users["sector"], users["village"]):
        printed = _print(reader, notice)
        assert not any(head in printed for head in heads) and "共 2 户" in printed, reader.username
        pdf = _pdf_text(reader, notice)
        assert pdf is None or not any(head in pdf for head in heads), reader.username
    county_pdf = _pdf_text(users["county"], notice)
    assert county_pdf is None or all(head in county_pdf for head in heads)


def _print(user: object, notice: ProjectNotice) -> str:
    response = _signed_in(user).get(f"/projects/notices/{notice.pk}/print/")
    assert response.status_code == 200
    return response.content.decode()


def _pdf_text(user: object, notice: ProjectNotice) -> str | None:
    """The PDF's text without spaces, or None where no CJK font is installed (the download answers 503)."""
    from pypdf import PdfReader

    from zhenxing.common.pdf import cjk_font_missing

    if cjk_font_missing():
        return None
    response = _signed_in(user).get(f"/projects/notices/{notice.pk}/pdf/")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return text.replace(" ", "").replace("\n", "")


def test_p14_notice_pdf_is_a_real_pdf_with_its_title(shipped_data, clock_at):
    from pypdf import PdfReader

    from zhenxing.common.pdf import cjk_font_missing

    if cjk_font_missing():
        pytest.skip("no CJK font installed (fonts-noto-cjk): the PDF download answers 503 by design")
    clock_at(FIRST)
    users = project_users()
    notice = notices.notice_post(actor=users["village"], notice=_draft(users, _proposal(users)))
    response = _signed_in(users["village"]).get(f"/projects/notices/{notice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert notice.title in text.replace(" ", "").replace("\n", "")


def test_p14_supplementary_notice_of_an_emergency_project_says_so(shipped_data, clock_at):
    clock_at(FIRST)
    users = project_users()
    project = services.project_propose(
        actor=users["county"],
        data=project_input(
            emergency=True, emergency_kind="disaster", emergency_reason="7月暴雨冲毁道路，须抢修"
        ),
    )
    project = services.project_move(
        actor=users["county"], project=project, to="reserved", opinion="同意应急实施",
        files=[minutes_pdf()],
    )  # fmt: skip
    project = services.project_move(actor=users["county"], project=project, to="started")
    notice = notices.notice_create(
        actor=users["county"],
        kind=NoticeKind.PLAN,
        projects=[project],
        title="",
        object_to="县乡村振兴局 0879-6020000",
    )
    assert notice.supplementary
    county = _signed_in(users["county"])
    assert "补公示" in county.get(f"/projects/notices/{notice.pk}/print/").content.decode()
    assert "补公示" in county.get("/projects/notices/").content.decode()


def test_p14_notice_pages_are_scoped(shipped_data, clock_at):
    """Another village's cadre does not find the notice (404); a township cadre above it does."""
    clock_at(FIRST)
    users = project_users()
    notice = _draft(users, _proposal(users))
    neighbour = _signed_in(make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE))
    for path in ("", "print/", "pdf/"):
        assert neighbour.get(f"/projects/notices/{notice.pk}/{path}").status_code == 404
    assert neighbour.post(f"/projects/notices/{notice.pk}/post/").status_code == 404
    assert _signed_in(users["township"]).get(f"/projects/notices/{notice.pk}/").status_code == 200
    assert ProjectNotice.objects.get().status == "draft"


def test_p14_county_library_notice_lists_its_in_library_projects_of_a_year(shipped_data, clock_at):
    # given a project in the library (储备) and a proposal still under way, both of this year
    clock_at(FIRST)
    users = project_users()
    in_library = to_library(_proposal(users), users)
    pending = _proposal(users, name="西山村委会小村组饮水", category="construction_water")
    county = _signed_in(users["county"])
    # when the county opens a new 县级项目库公告, then this year's library projects are offered, not the pending one
    page = county.get("/projects/notices/new/", {"kind": "library"})
    offered = {p.pk for p in page.context["eligible"]}
    assert page.context["year"] == str(in_library.year) and offered == {in_library.pk}
    assert pending.pk not in offered
    assert not list(
        county.get("/projects/notices/new/", {"kind": "library", "year": "2024"}).context["eligible"]
    )
    # and the announcement is the county's, of those projects
    county.post(
        "/projects/notices/new/",
        {"kind": "library", "year": in_library.year, "projects": [in_library.pk], "object_to": "县乡村振兴局 0879-6020000"},
    )  # fmt: skip
    notice = ProjectNotice.objects.get(kind="library")
    assert notice.division.code == users["county"].jurisdiction.code and notice.title.endswith(
        "县级项目库公告：西山村委会大村组道路硬化"
    )
    assert list(notice.entries.values_list("project_id", flat=True)) == [in_library.pk]


def _county_library_notice(users: dict) -> tuple[Project, ProjectNotice]:
    project = to_library(_proposal(users), users)
    draft = notices.notice_create(
        actor=users["county"], kind=NoticeKind.LIBRARY, projects=[project], title="",
        object_to="县乡村振兴局 0879-6020000",
    )  # fmt: skip
    return project, notices.notice_post(actor=users["county"], notice=draft)


def test_p14_an_objection_on_a_notice_above_the_villages_is_filed_where_its_recorder_sees_it(
    shipped_data, clock_at
):
    """An objection recorded on a county's (or township's) notice is filed under a village the recording cadre
    sees, and listed on the notice's page for them: a village cadre's under its own village; a township's or
    the county's under the named project's village in their area — they must name the project."""
    clock_at(FIRST)
    users = project_users()
    project, notice = _county_library_notice(users)
    # a township cadre naming no project is asked to name one; nothing stored
    with pytest.raises(InvalidInput) as refused:
        notices.objection_record(actor=users["township"], notice=notice, content="这条路为什么这么贵")
    assert [(d.loc, d.message) for d in refused.value.details] == [(("project",), "请选择异议针对的项目")]
    # another township's cadre cannot file one about a project outside its area
    other_township = make_user(Role.TOWNSHIP, OTHER_TOWNSHIP)
    with pytest.raises(InvalidInput, match="不在您的辖区"):
        notices.objection_record(actor=other_township, notice=notice, content="有意见", project=project)
    # nor through the page, whose form asks the township for the project
    township = _signed_in(users["township"])
    page = township.get(f"/projects/notices/{notice.pk}/").content.decode()
    assert 'name="project" required' in page and "整个公示" not in page
    form = {
        "kind": "objection",
        "channel": "phone",
        "raised_on": FIRST.isoformat(),
        "content": "这条路为什么这么贵",
    }
    assert township.post(f"/projects/notices/{notice.pk}/objections/", form).status_code == 302
    assert not ProjectObjection.objects.exists()
    # naming the project, it is filed under the project's village in the township, audited
    by_township = notices.objection_record(
        actor=users["township"], notice=notice, content="这条路为什么这么贵", project=project
    )
    assert by_township.village.code == VILLAGE
    event = AuditEvent.objects.get(action="project_objection.record", target_id=str(by_township.pk))
    assert event.division.code == VILLAGE
    # a village cadre of another village records one about the whole notice: filed under its own village
    neighbour = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE)
    by_neighbour = notices.objection_record(
        actor=neighbour, notice=notice, content="我村的项目为什么没有列入"
    )
    assert by_neighbour.village.code == SAME_TOWNSHIP_VILLAGE

    # each recorder finds theirs on the notice's page; the county both; 西山村 not the neighbour's
    def shown(user: object) -> str:
        return _signed_in(user).get(f"/projects/notices/{notice.pk}/").content.decode()

    assert "这条路为什么这么贵" in shown(users["township"])
    assert "我村的项目为什么没有列入" in shown(neighbour)
    assert all(text in shown(users["county"]) for text in ("这条路为什么这么贵", "我村的项目为什么没有列入"))
    assert "我村的项目为什么没有列入" not in shown(users["village"])


def test_p14_the_township_records_an_objection_on_the_proposal_page_and_it_must_be_answered(
    shipped_data, clock_at
):
    """Through the page: on a village's proposal notice an objection the township records is the village's,
    shown on the village's page, and 乡审核 waits for its answer (P14)."""
    clock_at(FIRST)
    users = project_users()
    project = _proposal(users)
    notice = notices.notice_post(actor=users["village"], notice=_draft(users, project))
    township = _signed_in(users["township"])
    form = {"kind": "objection", "channel": "phone", "raised_on": "2026-03-03", "content": "占用耕地"}
    clock_at(datetime.date(2026, 3, 3))
    assert township.post(f"/projects/notices/{notice.pk}/objections/", form).status_code == 302
    raised = ProjectObjection.objects.get()
    assert (raised.village.code, raised.recorded_by) == (VILLAGE, users["township"])
    assert "占用耕地" in _signed_in(users["village"]).get(f"/projects/notices/{notice.pk}/").content.decode()
    clock_at(datetime.date(2026, 3, 11))
    with pytest.raises(Conflict, match="异议未答复"):
        services.project_move(actor=users["village"], project=project, to="township_review")
    notices.objection_answer(actor=users["village"], objection=raised, answer="已核实，不占用耕地")
    assert services.project_move(actor=users["village"], project=project, to="township_review").status == (
        "township_review"
    )


def test_p14_who_posts_which_kind_is_the_services_rule(shipped_data, clock_at):
    """P14: the approved county library is announced by the county (or the prefecture) at its own level; plans
    and results by the county, the township, or the village of the project's place on its board. Refused in
    the service, on "kind" (or "projects"), with nothing stored."""
    clock_at(FIRST)
    users = project_users()
    project = to_library(_proposal(users), users)
    neighbour = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE)
    village_board = users["village"].jurisdiction

    def create(actor: object, kind: str, **extra: object) -> ProjectNotice:
        return notices.notice_create(
            actor=actor, kind=kind, projects=[project], title="", object_to=OBJECT_TO, **extra
        )

    refusals = [
        (users["township"], NoticeKind.LIBRARY, {}, "kind", "县级项目库公告由县(市)"),
        (users["village"], NoticeKind.LIBRARY, {}, "kind", "县级项目库公告由县(市)"),
        (users["county"], NoticeKind.LIBRARY, {"division": village_board}, "kind", "县级项目库公告由县(市)"),
        (users["county"], NoticeKind.PROPOSAL, {}, "kind", "村级项目申报公示由村发布"),
        (neighbour, NoticeKind.PLAN, {}, "projects", "不在团山村委会实施"),
    ]
    for actor, kind, extra, loc, message in refusals:
        with pytest.raises(InvalidInput) as refused:
            create(actor, kind, **extra)
        assert any(d.loc == (loc,) and message in d.message for d in refused.value.details), (kind, message)
    assert not ProjectNotice.objects.exclude(kind=NoticeKind.PROPOSAL).exists()
    assert AuditEvent.objects.filter(action="project_notice.create").count() == 1  # the proposal's
    # the county's library, the township's plan, the village's plan of its own project on its board
    assert create(users["county"], NoticeKind.LIBRARY).division == users["county"].jurisdiction
    assert create(users["township"], NoticeKind.PLAN).division == users["township"].jurisdiction
    assert create(users["village"], NoticeKind.PLAN).division == village_board
    assert create(users["prefecture"], NoticeKind.LIBRARY).division.code == "5329"
    # and the township's new-announcement page does not offer the library
    page = _signed_in(users["township"]).get("/projects/notices/new/", {"kind": "library"})
    assert [k for k, _ in page.context["kinds"]] == ["plan", "result"] and page.context["kind"] == "plan"


def test_p14_a_notice_above_the_villages_prints_a_qr_code_per_village_of_its_projects(shipped_data, clock_at):
    """A township's or county's paper notice carries each concerned village's public page (P14: reached by a
    QR code printed on the paper notice): a code per village for the first ones, the rest by name and code."""
    clock_at(FIRST)
    users = project_users()
    other_township_village = (
        Division.objects.filter(level="village", code__startswith=OTHER_TOWNSHIP).order_by("code").first()
    )
    assert other_township_village is not None
    # given a county project built in two villages of 南涧镇 and one of another township, in the library
    project = services.project_propose(
        actor=users["county"],
        data=project_input(
            name="跨村道路抢修", places=[(VILLAGE, ""), (SAME_TOWNSHIP_VILLAGE, ""), (other_township_village.code, "")],
            emergency=True, emergency_kind="disaster", emergency_reason="7月暴雨冲毁道路，须抢修",
        ),
    )  # fmt: skip
    project = services.project_move(
        actor=users["county"], project=project, to="reserved", opinion="同意应急实施", files=[minutes_pdf()]
    )
    county_notice = notices.notice_create(
        actor=users["county"], kind=NoticeKind.PLAN, projects=[project], title="", object_to=OBJECT_TO
    )
    # when the county prints its plan notice, then each village's code is there under a QR code
    printed = _print(users["county"], county_notice)
    qrs = printed[printed.index('data-testid="notice-village-qrs"') :]
    assert qrs.count("<svg") == 3 and 'data-testid="notice-qr"' not in printed
    for code in (VILLAGE, SAME_TOWNSHIP_VILLAGE, other_township_village.code):
        assert code in qrs
    assert "/v/&lt;村代码&gt;/" in qrs and "扫描下方项目所在村的二维码" in printed
    # the township's notice of the same project carries its own villages only
    township_notice = notices.notice_create(
        actor=users["township"], kind=NoticeKind.PLAN, projects=[project], title="", object_to=OBJECT_TO
    )
    township_qrs = _print(users["township"], township_notice)
    assert township_qrs.count("<svg") == 2 and other_township_village.code not in township_qrs
    # past the first ones, the others are listed by name and code under the address pattern
    pages = village_pages(county_notice, base_url="https://zx.example/", shown=1)
    assert [[code for _, code, _ in row] for row in pages["village_qr_rows"]] == [[VILLAGE]]
    assert [code for _, code in pages["other_villages"]] == [
        SAME_TOWNSHIP_VILLAGE,
        other_township_village.code,
    ]
    assert pages["village_url_pattern"] == "https://zx.example/v/<村代码>/"
