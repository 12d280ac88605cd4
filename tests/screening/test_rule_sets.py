"""Rule-set versions (issue 14 item 1): the corrected rules ship as a new version beside the old ones, a
round uses the current one, and no rule restates the definitions its policy twin holds."""

from __future__ import annotations

import datetime
import json

import pytest

from zhenxing.policy.rules.people import YEAR_END_MEMBERS_SQL
from zhenxing.screening.default_rules import DEFAULT_RULES
from zhenxing.screening.models import Rule, RuleSet
from zhenxing.screening.rules import ship_default_rules
from zhenxing.screening.services import screening_run
from zhenxing.screening.snapshot import MANIFEST, snapshot_for_round, snapshot_take

from .test_planted import DAY, YEAR

pytestmark = pytest.mark.django_db

OLD_MEMBERS = "(SELECT household_id, COUNT(*) AS n FROM registry_membership WHERE left_on IS NULL GROUP BY household_id)"


def _as_before_issue_14() -> RuleSet:
    """The current set as an installation had it before: today's members in R01, R07 switched off."""
    current = RuleSet.objects.get(is_current=True)
    r01 = Rule.objects.get(rule_set=current, code="R01")
    r01.sql = r01.sql.replace(YEAR_END_MEMBERS_SQL, OLD_MEMBERS)
    r01.save(update_fields=["sql"])
    Rule.objects.filter(rule_set=current, code="R07").update(enabled=False)
    return current


def test_the_corrected_rules_ship_as_the_next_version_and_the_old_one_stays() -> None:
    # given the rule set an older installation runs
    old = _as_before_issue_14()
    # when the rules are shipped (the data migration does this)
    ship_default_rules(RuleSet, Rule, note="年末家庭成员")
    # then the next version is current, with the rules of DEFAULT_RULES and R07 still switched off
    new = RuleSet.objects.get(is_current=True)
    assert (new.version, new.note) == (old.version + 1, "年末家庭成员")
    shipped = {rule.code: rule for rule in Rule.objects.filter(rule_set=new)}
    assert {code: rule.sql for code, rule in shipped.items()} == {s["code"]: s["sql"] for s in DEFAULT_RULES}
    assert [code for code, rule in sorted(shipped.items()) if not rule.enabled] == ["R07"]
    # and the old version stays as it was, for the leads it raised
    old.refresh_from_db()
    assert not old.is_current
    assert OLD_MEMBERS in Rule.objects.get(rule_set=old, code="R01").sql
    # and a round runs the new version
    assert screening_run(year=YEAR, today=DAY).rule_set == new


def test_shipping_twice_adds_no_version() -> None:
    before = RuleSet.objects.count()
    ship_default_rules(RuleSet, Rule)
    ship_default_rules(RuleSet, Rule)
    assert RuleSet.objects.count() == before


def test_a_snapshot_without_the_columns_the_rules_read_now_is_not_reused() -> None:
    # given a fresh snapshot written before joined_on was copied (its manifest does not list the columns)
    first = snapshot_take()
    manifest = json.loads((first.folder / MANIFEST).read_text())
    del manifest["columns"]
    (first.folder / MANIFEST).write_text(json.dumps(manifest))
    # when a round may reuse a snapshot of ten minutes, it takes a new one
    again = snapshot_for_round(max_age=datetime.timedelta(minutes=10))
    assert not again.reused and again.folder != first.folder
    # and that one is reused afterwards
    assert snapshot_for_round(max_age=datetime.timedelta(minutes=10)).folder == again.folder
