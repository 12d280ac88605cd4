"""ID numbers entered on a person while another person holds them (P1: one person, one record).

Inside the user's scope the answer is plain — "该证件号码已登记在另一人名下" — since the user can look the
other person up anyway and correct whichever record is wrong. Outside it, any different answer would tell a
village cadre that a number is registered somewhere in the prefecture (an existence oracle over every ID
number). So the entry is *accepted*: the person gets the number as typed, disputed (cipher and mask, no
index — the index is unique), which looks to the user exactly like a number nobody held; and an IdConflict
goes to the counties of both sides, which resolve it (ids.html). Every lookup in the user's scope (the full-ID
search, the import's matching) finds a disputed person by the number as it would a settled one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.audit import services as audit
from zhenxing.common.crypto import decrypt_id_number, id_number_index
from zhenxing.common.errors import Conflict, PermissionDenied
from zhenxing.divisions import codes as division_codes
from zhenxing.divisions.models import Division
from zhenxing.registry import transitions
from zhenxing.registry.enums import IdConflictOutcome, IdConflictSource, IdConflictStatus
from zhenxing.registry.identity import ProtectedId
from zhenxing.registry.models import Household, IdConflict, Membership, Person

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

HELD_IN_SCOPE = "该证件号码已登记在另一人名下"


def held_in_scope_message(holder: Person) -> str:
    return f"{HELD_IN_SCOPE}（{holder.name}），请核实后更正其中有误的一条"


def people_visible_now(*, user: User | None, person_ids: set[int]) -> set[int]:
    """Of these people, those the user can see where they are now: the current household is in scope, or,
    for someone in no household any more, one of their past households is (the system sees everyone)."""
    from zhenxing.registry.selectors import household_list_for_user

    if user is None or not person_ids:
        return set(person_ids)
    visible = household_list_for_user(user=user)
    current = Membership.objects.filter(person_id__in=person_ids, left_on__isnull=True)
    placed = set(current.values_list("person_id", flat=True))
    seen = set(current.filter(household__in=visible).values_list("person_id", flat=True))
    seen |= set(
        Membership.objects.filter(person_id__in=person_ids - placed, household__in=visible).values_list(
            "person_id", flat=True
        )
    )
    return seen


def county_of(household: Household | None) -> Division | None:
    if household is None:
        return None
    return Division.objects.filter(code=division_codes.county_of(household.village_id)).first()


def current_household(person: Person) -> Household | None:
    membership = (
        Membership.objects.filter(person=person, left_on__isnull=True).select_related("household").first()
    )
    return membership.household if membership is not None else None


def pending_conflict(person: Person) -> IdConflict | None:
    return IdConflict.objects.filter(person=person, status=IdConflictStatus.PENDING).first()


def disputed_with(index: str) -> Q:
    """People who carry the number as a disputed entry (for lookups inside the user's scope)."""
    return Q(
        id_number_disputed=True,
        id_conflicts__status=IdConflictStatus.PENDING,
        id_conflicts__id_number_index=index,
    )


@dataclass(frozen=True)
class Claim:
    """How an entered number is stored: the Person fields, and the holder to report when it is disputed."""

    values: dict[str, Any]
    holder: Person | None = None


def id_number_claim(*, actor: User | None, person: Person | None, protected: ProtectedId) -> Claim:
    """Decide (inside the caller's transaction) how `protected` goes onto `person` (None: a new person)."""
    holders = Person.objects.select_for_update().filter(id_number_index=protected.index)
    holder = (holders.exclude(pk=person.pk) if person is not None else holders).first()
    settled = {
        "id_number_encrypted": protected.encrypted,
        "id_number_index": protected.index,
        "id_number_masked": protected.masked,
        "id_number_disputed": False,
    }
    if holder is None:
        return Claim(settled)
    if holder.pk in people_visible_now(user=actor, person_ids={holder.pk}):
        raise Conflict(held_in_scope_message(holder))
    return Claim({**settled, "id_number_index": None, "id_number_disputed": True}, holder=holder)


def id_conflict_open(
    *,
    actor: User | None,
    person: Person,
    household: Household,
    holder: Person,
    protected: ProtectedId,
    source: IdConflictSource,
    previous: IdConflict | ProtectedId | None,
) -> IdConflict:
    """Record the conflict (inside the caller's transaction, after the person was saved disputed).
    `previous` is the number the person had before: a withdrawal puts it back."""
    if isinstance(previous, IdConflict):  # disputed already: the last settled number stays the one to restore
        before: tuple[Any, Any, str] = (
            previous.previous_id_encrypted,
            previous.previous_id_index,
            previous.previous_id_masked,
        )
    elif previous is not None:
        before = (previous.encrypted, previous.index, previous.masked)
    else:
        before = (None, None, "")
    county = county_of(household)
    assert county is not None  # a household always lies in a village of a county
    conflict = IdConflict.objects.create(
        source=source, person=person, household=household, holder=holder, county=county,
        holder_county=county_of(current_household(holder)), id_number_encrypted=protected.encrypted,
        id_number_index=protected.index,
        id_number_masked=protected.masked, previous_id_encrypted=before[0], previous_id_index=before[1],
        previous_id_masked=before[2], reported_by=actor, reported_at=timezone.now(),
    )  # fmt: skip
    # bound to the county, not to the village: the household's history page must not show it to the reporter
    audit.record(
        actor=actor, action="id_conflict.open", target=conflict, division=county,
        new={"person": person.pk, "holder": holder.pk, "id_number": protected.masked, "source": source},
    )  # fmt: skip
    return conflict


def _close(conflict: IdConflict, *, actor: User | None, outcome: IdConflictOutcome, resolution: str) -> None:
    old = transitions.move(conflict, IdConflictStatus.RESOLVED)
    conflict.outcome, conflict.resolution = outcome, resolution
    conflict.resolved_by, conflict.resolved_at = actor, timezone.now()
    conflict.save(update_fields=["status", "outcome", "resolution", "resolved_by", "resolved_at"])
    audit.record(
        actor=actor, action="id_conflict.resolve", target=conflict, division=conflict.county,
        old={"status": old}, new={"status": conflict.status, "outcome": outcome}, reason=resolution,
    )  # fmt: skip


def id_conflict_supersede(*, actor: User | None, conflict: IdConflict) -> None:
    """The person's number was changed again before the county looked: the conflict is moot."""
    _close(conflict, actor=actor, outcome=IdConflictOutcome.SUPERSEDED, resolution="录入人已改为其他号码")


def can_resolve(user: User) -> bool:
    """County level: edits the registry and reads the audit (县乡村振兴局)."""
    return has_capability(user, Capability.EDIT_REGISTRY) and has_capability(user, Capability.VIEW_AUDIT)


def id_conflict_resolve(
    *, actor: User, conflict: IdConflict, outcome: IdConflictOutcome, resolution: str
) -> IdConflict:
    """CONFIRMED: the number is the disputed person's (the holder's record has been corrected meanwhile), it
    takes effect. WITHDRAWN: it was mistyped; the person's previous number comes back."""
    if not can_resolve(actor):
        raise PermissionDenied("只有县级可以处理证件号码冲突")
    with transaction.atomic():
        locked = IdConflict.objects.select_for_update().select_related("county").get(pk=conflict.pk)
        if locked.status != IdConflictStatus.PENDING:
            raise Conflict("该冲突已处理")
        person = Person.objects.select_for_update().get(pk=locked.person_id)
        still_disputed = person.id_number_disputed and person.id_number_encrypted is not None
        if still_disputed:
            number = decrypt_id_number(bytes(person.id_number_encrypted))  # type: ignore[arg-type]
            still_disputed = id_number_index(number) == locked.id_number_index
        if outcome == IdConflictOutcome.CONFIRMED and still_disputed:
            if Person.objects.filter(id_number_index=locked.id_number_index).exists():
                raise Conflict("原登记人仍登记着该号码：请先更正原登记人的证件号码，或选择“号码有误，已撤回”")
            person.id_number_index, person.id_number_disputed = locked.id_number_index, False
            person.save(update_fields=["id_number_index", "id_number_disputed", "updated_at"])
        elif outcome == IdConflictOutcome.WITHDRAWN and still_disputed:
            if (
                locked.previous_id_index
                and Person.objects.filter(id_number_index=locked.previous_id_index).exists()
            ):
                raise Conflict("原号码已被他人登记，无法恢复，请直接更正该人员的证件号码")
            person.id_number_encrypted = locked.previous_id_encrypted
            person.id_number_index = locked.previous_id_index
            person.id_number_masked = locked.previous_id_masked
            person.id_number_disputed = False
            person.save(
                update_fields=[
                    "id_number_encrypted", "id_number_index", "id_number_masked", "id_number_disputed", "updated_at",
                ]
            )  # fmt: skip
            audit.record(
                actor=actor, action="person.update", target=person, division=locked.county,
                old={"id_number": locked.id_number_masked}, new={"id_number": locked.previous_id_masked},
                reason=f"证件号码冲突 {locked.pk} 撤回",
            )  # fmt: skip
        _close(locked, actor=actor, outcome=outcome, resolution=resolution.strip())
    return locked
