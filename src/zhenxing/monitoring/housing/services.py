"""The housing-safety ledger (P11): a C/D house is entered with the way it will be solved, and its entry is
closed when the house is solved (解决一户、销号一户)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.workflow import transition
from zhenxing.monitoring.assistance.transitions import HELPER_ROLES
from zhenxing.monitoring.enums import LedgerStatus
from zhenxing.monitoring.housing.transitions import LEDGER
from zhenxing.monitoring.models import HousingLedgerEntry
from zhenxing.policy.rules.sector import housing_guarantee_years, housing_renovation_problem

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.registry.models import Household

LEDGER_ROLES = HELPER_ROLES


def housing_entry_open(
    *, actor: User, household: Household, grade: str, way: str, note: str = ""
) -> HousingLedgerEntry:
    """Enter a C/D house; the way must fit the grade, and a household that had other housing support (here:
    易地扶贫搬迁) is not eligible again (P11)."""
    if actor.role not in LEDGER_ROLES:
        raise PermissionDenied("住房安全台账由村、乡镇、县级维护")
    problem = housing_renovation_problem(
        grade=grade, way=way, had_other_housing_support=household.is_relocated
    )
    if problem:
        raise InvalidInput([ErrorDetail(("way",), "not_allowed", problem)])
    try:
        with transaction.atomic():
            entry = HousingLedgerEntry.objects.create(
                household=household, village_id=household.village_id, grade=grade, way=way, opened_on=clock.today(),
                opened_by=actor, guarantee_years=housing_guarantee_years(way), note=note.strip(),
            )  # fmt: skip
            audit.record(
                actor=actor, action="housing.open", target=entry, division=household.village,
                new={"household": household.pk, "grade": grade, "way": way},
            )  # fmt: skip
    except IntegrityError:
        raise Conflict("该户已有未销号的住房安全台账记录") from None
    return entry


def housing_entry_close(*, actor: User, entry: HousingLedgerEntry, completion: str) -> HousingLedgerEntry:
    """解决一户、销号一户: the house is solved; the entry is closed with how it was checked."""
    if actor.role not in LEDGER_ROLES:
        raise PermissionDenied("住房安全台账由村、乡镇、县级维护")
    if len(completion.strip()) < 4:
        raise InvalidInput([ErrorDetail(("completion",), "required", "请填写竣工验收情况")])
    return transition(LEDGER, entry, to=LedgerStatus.CLOSED, actor=actor, opinion=completion)
