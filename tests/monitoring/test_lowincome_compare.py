"""P17 民政比对: the comparison of a county's roster snapshot with monitoring and the registry finds each planted
kind of difference and nothing on clean households; the 低保 test leaves 低保金/特困供养金 out and compares at
the standard exactly; re-running on the same snapshot adds nothing; leads are routed to the household's
village with the screening deadlines (P10); a county compares only itself."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import NotFound, PermissionDenied
from zhenxing.monitoring.lowincome.services import lowincome_compare, lowincome_lead_close
from zhenxing.monitoring.models import LowIncomeDifference
from zhenxing.policy.rules import lowincome as rules
from zhenxing.screening.models import Lead, LeadSignal, LeadStatus, ScreeningRun

from ..conftest import OTHER_COUNTY, PREFECTURE, SAME_TOWNSHIP_VILLAGE, VILLAGE
from ..factories import id_number_for, make_user
from .lowincome_helpers import DAY, SNAPSHOT, id_of, plant, roster

pytestmark = pytest.mark.django_db


def _found() -> set[tuple[str, str]]:
    return {(d.household.code, d.kind) for d in LowIncomeDifference.objects.select_related("household")}


def test_p17_the_dibao_test_leaves_assistance_out_and_compares_at_the_standard_exactly() -> None:
    # given a household of 2 and a standard of 5,000 yuan: the line is 1,000,000 fen for the household
    at_line = {"standard_fen": 500_000, "members": 2}
    # then income without 低保金 exactly at the line is not below; one fen less is
    assert not rules.possibly_dibao(net_income_fen=1_200_000, assistance_benefit_fen=200_000, **at_line)
    assert rules.possibly_dibao(net_income_fen=1_199_999, assistance_benefit_fen=200_000, **at_line)
    # and the same income counted with its 低保金 would have been above: the benefit is not income here
    assert not rules.possibly_dibao(net_income_fen=1_199_999, assistance_benefit_fen=0, **at_line)
    # a year without members is never judged
    assert not rules.possibly_dibao(
        net_income_fen=0, assistance_benefit_fen=0, standard_fen=500_000, members=0
    )
    assert rules.dibao_gap_fen(net_income_fen=1_199_999, assistance_benefit_fen=200_000, **at_line) == 1
    # and the words: possibly, to be checked — never "eligible"
    assert rules.POSSIBLY_DIBAO == "可能符合低保条件，请核实"
    assert "可能符合" in rules.M2.name and "请核实" in rules.M2.name


def test_p17_registry_and_roster_differ_only_on_dibao_and_tekun() -> None:
    assert rules.registry_roster_differences(registry={"低保"}, roster={"低保边缘"}) == (["低保"], [])
    assert rules.registry_roster_differences(registry=set(), roster={"特困", "刚性支出困难"}) == (
        [],
        ["特困"],
    )
    assert rules.registry_roster_differences(registry={"低保", "特困"}, roster={"特困", "低保"}) == ([], [])


def test_p17_comparison_finds_each_planted_kind_and_nothing_on_clean_households(
    county_user, admin_user, clock_at
) -> None:  # type: ignore[no-untyped-def]
    # given clean households and one household per kind of difference, and the county's roster
    clock_at(DAY)
    planted = plant(admin_user)

    # when the county compares
    result = lowincome_compare(county_code="532926", actor=county_user)

    # then exactly the planted differences are found, one lead each
    assert _found() == planted.expected
    assert result.by_kind == {"M1": 1, "M2": 1, "M3": 1, "M4": 1}
    assert result.skipped == {"unmatched": 1}  # the stranger on the roster; 临时救助 is no roster category
    leads = {lead.household.code: lead for lead in Lead.objects.select_related("household__village")}
    assert set(leads) == {"L-m1", "L-m2", "L-m3", "L-m4"}
    signals = {s.lead.household.code: s for s in LeadSignal.objects.select_related("lead__household", "run")}
    assert {code: s.rule_code for code, s in signals.items()} == {
        "L-m1": "M1", "L-m2": "M2", "L-m3": "M3", "L-m4": "M4",
    }  # fmt: skip
    # risk types from the P6 list; the data checks are 其他 and yellow
    assert (signals["L-m1"].risk_type, signals["L-m1"].grade) == ("其他", "橙")
    assert (signals["L-m2"].risk_type, signals["L-m2"].grade) == ("因病", "橙")
    assert (signals["L-m3"].risk_type, signals["L-m3"].grade) == ("其他", "黄")
    assert (signals["L-m4"].risk_type, signals["L-m4"].grade) == ("其他", "黄")
    # the M2 evidence: income without the 低保金, the standard cited by id and version, worded as a check
    m2 = signals["L-m2"].evidence
    assert m2["check"] == "可能符合低保条件，请核实" and m2["policy_rule"] == "P17"
    assert (m2["net_income_fen"], m2["assistance_benefit_fen"], m2["income_without_assistance_fen"]) == (
        1_199_999, 200_000, 999_999,
    )  # fmt: skip
    assert (m2["value"], m2["threshold"], m2["members"]) == (1, 1_000_000, 2)
    assert m2["dibao_standard"]["region"] == "532926" and m2["dibao_standard"]["version"] == 1
    assert signals["L-m1"].evidence["monitoring_line"]["version"] >= 1
    assert signals["L-m1"].evidence["monitoring_line_note"] == ""  # the 2025 line is the year's own
    assert m2["dibao_standard"]["year"] == 2025 and m2["dibao_standard"]["note"] == ""
    assert signals["L-m1"].evidence["roster"] == [
        {"category": "低保边缘", "start": "2025-03-01", "end": None}
    ]
    assert signals["L-m3"].evidence["check"] == "数据核实" and signals["L-m4"].evidence["check"] == "数据核实"
    # no ID number and no name in any evidence
    text = json.dumps([s.evidence for s in signals.values()], ensure_ascii=False)
    for household in planted.h.values():
        for membership in household.memberships.select_related("person"):
            assert id_of(membership.person) not in text and membership.person.name not in text
    # the run is a 民政比对 of the county, done, audited with its counts
    run = ScreeningRun.objects.get()
    assert (run.engine, run.county_id, run.status, run.started_by) == (
        "civil_affairs",
        "532926",
        "done",
        county_user,
    )
    event = AuditEvent.objects.get(action="lowincome.compare")
    assert event.target_id == str(run.pk) and event.new_values["by_kind"] == result.by_kind
    assert AuditEvent.objects.filter(action="lead.create").count() == 4


def test_p17_leads_are_routed_to_the_village_with_the_screening_deadlines(
    county_user, admin_user, clock_at
) -> None:  # type: ignore[no-untyped-def]
    # given the planted county, compared on 3 December (before the 15th: the December round, P10)
    clock_at(DAY)
    plant(admin_user)

    # when
    lowincome_compare(county_code="532926", actor=county_user)

    # then every lead is open in the household's own village, with the shipped screening windows
    for lead in Lead.objects.select_related("household"):
        assert lead.status == LeadStatus.OPEN and lead.round == "2026-12"
        assert (lead.village_due, lead.township_due, lead.county_due) == (
            datetime.date(2026, 12, 20), datetime.date(2026, 12, 25), datetime.date(2026, 12, 31),
        )  # fmt: skip
    assert Lead.objects.get(household__code="L-m4").household.village_id == SAME_TOWNSHIP_VILLAGE
    assert Lead.objects.get(household__code="L-m1").household.village_id == VILLAGE
    # and the village sees its leads in its list
    village_user = make_user(Role.VILLAGE, SAME_TOWNSHIP_VILLAGE)
    from zhenxing.screening.selectors import lead_list_for_user

    assert {lead.household.code for lead in lead_list_for_user(user=village_user)} == {"L-m4"}


def test_p17_comparing_the_same_snapshot_again_adds_nothing(county_user, admin_user, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given a comparison done
    clock_at(DAY)
    plant(admin_user)
    lowincome_compare(county_code="532926", actor=county_user)
    before = (Lead.objects.count(), LeadSignal.objects.count(), LowIncomeDifference.objects.count())

    # when the same snapshot is compared again (the leads still open), and again after one was dismissed
    again = lowincome_compare(county_code="532926", actor=county_user)
    lead = Lead.objects.get(household__code="L-m3")
    lowincome_lead_close(
        actor=make_user(Role.VILLAGE, VILLAGE), lead=lead, confirmed=False, note="已核实：民政已停发"
    )
    third = lowincome_compare(county_code="532926", actor=county_user)

    # then nothing new: no lead, no signal, no difference; each comparison is still recorded
    assert again.total == 0 and third.total == 0
    assert (Lead.objects.count(), LeadSignal.objects.count(), LowIncomeDifference.objects.count()) == before
    assert ScreeningRun.objects.filter(engine="civil_affairs").count() == 3


def test_p17_a_new_snapshot_finds_again_and_respects_a_dismissal(county_user, admin_user, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given a comparison whose M3 lead was dismissed with a reason (P10: the rule is quiet for the household)
    clock_at(DAY)
    planted = plant(admin_user)
    lowincome_compare(county_code="532926", actor=county_user)
    lowincome_lead_close(
        actor=make_user(Role.VILLAGE, VILLAGE), lead=Lead.objects.get(household__code="L-m3"), confirmed=False,
        note="已核实",
    )  # fmt: skip

    # when 民政 sends a newer roster (the same people) and the county compares again
    from .lowincome_helpers import head

    h = planted.h
    roster(
        [
            (head(h["clean_dibao"]), "低保"), (head(h["clean_covered"]), "低保"),
            (head(h["clean_open_case"]), "低保边缘"), (head(h["m1"]), "低保边缘"), (head(h["m4"]), "特困"),
        ],
        on=SNAPSHOT + datetime.timedelta(days=1),
    )  # fmt: skip
    result = lowincome_compare(county_code="532926", actor=county_user)

    # then the differences are found in the new snapshot; the open leads take them unchanged, M3 stays quiet
    assert result.by_kind == {"M1": 1, "M2": 1, "M3": 1, "M4": 1}
    assert result.leads["suppressed"] == 1 and result.leads["new"] == 0
    quiet = LowIncomeDifference.objects.get(run=result.run, kind="M3")
    assert quiet.lead is None
    assert Lead.objects.filter(status=LeadStatus.OPEN).count() == 3


def test_p17_a_comparison_merges_into_an_open_lead_of_the_household(
    county_user, admin_user, clock_at
) -> None:  # type: ignore[no-untyped-def]
    # given the M3 household already has an open lead from a screening round
    clock_at(DAY)
    planted = plant(admin_user)
    from zhenxing.screening.models import RuleSet

    run = ScreeningRun.objects.create(
        year=2025, engine="db", rule_set=RuleSet.objects.get(is_current=True), status="done"
    )
    existing = Lead.objects.create(
        household=planted.h["m3"], grade="红", risk_types=["因病"], round="2026-12",
        village_due=datetime.date(2026, 12, 20), township_due=datetime.date(2026, 12, 25),
        county_due=datetime.date(2026, 12, 31),
    )  # fmt: skip
    LeadSignal.objects.create(
        lead=existing, run=run, rule_code="R03", rule_name="大额医疗自付", rule_set_version=1, grade="红",
        risk_type="因病", evidence={"rule": "R03"},
    )  # fmt: skip

    # when
    result = lowincome_compare(county_code="532926", actor=county_user)

    # then the M3 signal joins that lead (one open lead per household), which keeps its red grade
    assert result.leads["merged"] == 1 and result.leads["new"] == 3
    existing.refresh_from_db()
    assert set(existing.signals.values_list("rule_code", flat=True)) == {"R03", "M3"}
    assert existing.grade == "红" and existing.risk_types == ["其他", "因病"]
    assert LowIncomeDifference.objects.get(kind="M3").lead == existing


def test_p17_a_county_compares_only_itself_and_a_village_not_at_all(
    county_user, admin_user, clock_at
) -> None:  # type: ignore[no-untyped-def]
    clock_at(DAY)
    plant(admin_user)
    with pytest.raises(NotFound):
        lowincome_compare(county_code=OTHER_COUNTY, actor=county_user)
    with pytest.raises(PermissionDenied):
        lowincome_compare(county_code="532926", actor=make_user(Role.VILLAGE, VILLAGE))
    # the prefecture may compare any of its counties
    result = lowincome_compare(county_code="532926", actor=make_user(Role.PREFECTURE, PREFECTURE))
    assert result.total == 4
    assert not LowIncomeDifference.objects.exclude(county_id="532926").exists()


def test_p17_a_county_without_a_roster_is_told_so(county_user, clock_at) -> None:  # type: ignore[no-untyped-def]
    from zhenxing.common.errors import InvalidInput

    clock_at(DAY)
    with pytest.raises(InvalidInput) as error:
        lowincome_compare(county_code="532926", actor=county_user)
    assert "尚无民政低收入人口名册" in error.value.message
    assert not ScreeningRun.objects.exists()


def test_p17_without_a_county_standard_the_provinces_is_used_and_cited(county_user, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given no 2025 standard of the county: the province's 4,500 yuan (in force since 2020) answers (P4, P17)
    from ..factories import make_household
    from .lowincome_helpers import income, monitored

    clock_at(DAY)
    below, above = make_household(VILLAGE, code="L-p-below"), make_household(VILLAGE, code="L-p-above")
    for household, wage in ((below, 899_999), (above, 900_000)):  # 4,500 × 2 people = 900,000 fen
        monitored(household)  # type: ignore[arg-type]
        income(household, wage=wage)  # type: ignore[arg-type]
    roster([(id_number_for("532926", datetime.date(1950, 1, 1), 901), "低保")])

    # when
    result = lowincome_compare(county_code="532926", actor=county_user)

    # then only the household below the province's line differs, citing the province's parameter
    assert _found() == {("L-p-below", "M2")} and result.by_kind["M2"] == 1
    evidence = LeadSignal.objects.get().evidence
    assert evidence["dibao_standard"]["region"] == "53" and evidence["dibao_standard_fen"] == 450_000
    # and, being the 2020 standard applied to 2025 income, it is marked 暂用2020年标准 with its year and region
    assert (
        evidence["dibao_standard"]["year"] == 2020
        and evidence["dibao_standard"]["note"] == "暂用2020年标准（2025年标准未录入）"
    )
    assert evidence["dibao_standard"]["region_label"] == "云南省（全省）"
    client = Client()
    client.force_login(county_user)
    page = client.get(f"/leads/{LeadSignal.objects.get().lead_id}/").content.decode()
    assert "云南省（全省）2020年低保标准" in page and 'data-testid="dibao-provisional"' in page
    assert "暂用2020年标准" in page
    county = client.get("/cases/lowincome/532926/").content.decode()
    assert 'data-testid="dibao-standard"' in county and "暂用2020年标准" in county


def test_p17_m1_evidence_keeps_and_shows_the_verdicts_provisional_line_note() -> None:
    """P17: a verdict made on a provisional line (暂用…年标准) says so in the M1 lead's evidence."""
    from django.template.loader import render_to_string

    evidence = {
        "check": "可能符合，请核实", "roster_date": "2026-11-30", "roster": [], "year": 2026,
        "risk_types": ["其他"], "within_monitoring_range": True, "monitoring_line": {"version": 1},
        "monitoring_line_note": "暂用2025年标准（2026年标准未公布）",
    }  # fmt: skip
    html = render_to_string("screening/_comparison_evidence.html", {"e": evidence})
    assert 'data-testid="line-provisional"' in html and "暂用2025年标准（2026年标准未公布）" in html


def test_p17_a_roster_household_the_engine_cannot_judge_is_counted_not_guessed(county_user, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given a household on the roster with no yearly record at all
    from ..factories import make_household
    from .lowincome_helpers import head

    clock_at(DAY)
    household = make_household(VILLAGE, code="L-no-year", year=None)
    roster([(head(household), "低保边缘")])  # type: ignore[arg-type]

    # when
    result = lowincome_compare(county_code="532926", actor=county_user)

    # then no difference is invented; the comparison says one household could not be judged
    assert result.total == 0 and result.skipped == {"no_verdict": 1}
    assert not Lead.objects.exists()
