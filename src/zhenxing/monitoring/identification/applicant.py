"""Who applied, for a case opened from the portal (P8 群众自主申报): name, masked ID number and phone, whether
the ID number is a registered person's, and the audited reveal of the full number (P1 sensitive, PIPL).

The applications are read through the case (`case.applications`), never by importing portal, which sits
above monitoring (import-linter). The full ID number and phone leave the database only through
`applicant_reveal`, which needs REVEAL_ID_NUMBER and a typed reason and writes its audit event first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import transaction

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.audit import services as audit
from zhenxing.common.crypto import decrypt_id_number
from zhenxing.common.errors import ErrorDetail, InvalidInput, PermissionDenied, not_found
from zhenxing.registry.models import Household, Person
from zhenxing.registry.phones import revealed_phone
from zhenxing.registry.selectors import household_list_for_user

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.monitoring.models import Case


class Match(StrEnum):
    IN_SCOPE = "in_scope"  # a registered person in a household the user may open
    ELSEWHERE = "elsewhere"  # registered, outside the user's area: said, not shown
    NONE = "none"


@dataclass(frozen=True)
class Applicant:
    """One application on the case, as the case page shows it (never the full ID number or phone)."""

    pk: int
    tracking_code: str
    name: str
    id_masked: str
    phone_masked: str
    on_behalf: bool
    reporter: str
    difficulties: list[str]
    submitted_at: Any
    match: Match
    person_name: str = ""
    household: Household | None = None

    @property
    def match_label(self) -> str:
        return {
            Match.IN_SCOPE: "已匹配登记人员",
            Match.ELSEWHERE: "已登记（不在您的管辖范围内）",
            Match.NONE: "未匹配：台账中无此证件号码",
        }[self.match]


def _match(user: User, index: str) -> tuple[Match, str, Household | None]:
    """By the keyed hash of the ID number (registry/identity.py), never the number. Whether a person is
    registered may be said to any case reader; who and where only within the reader's scope."""
    person = Person.objects.filter(id_number_index=index).first() if index else None
    if person is None:
        return Match.NONE, "", None
    household = (
        household_list_for_user(user=user)
        .filter(memberships__person=person, memberships__left_on__isnull=True)
        .first()
    )
    if household is None:
        return Match.ELSEWHERE, "", None
    return Match.IN_SCOPE, person.name, household


def case_applicants(*, user: User, case: Case) -> list[Applicant]:
    """The applicants of a case the user already may read (the caller fetched it through a scoped selector)."""
    applicants = []
    for application in case.applications.order_by("created_at", "pk"):
        match, person_name, household = _match(user, application.id_number_index)
        reporter = (
            f"{application.reporter_name}（{application.reporter_relation}）"
            if application.on_behalf and application.reporter_relation
            else application.reporter_name
        )
        applicants.append(
            Applicant(
                pk=application.pk, tracking_code=application.tracking_code, name=application.name,
                id_masked=application.id_number_masked, phone_masked=application.phone_masked,
                on_behalf=application.on_behalf, reporter=reporter,
                difficulties=list(application.difficulties or []), submitted_at=application.created_at,
                match=match, person_name=person_name, household=household,
            )
        )  # fmt: skip
    return applicants


def applicant_context(*, user: User, case: Case) -> dict[str, Any]:
    """What case_detail adds to the page: the applicants and whether the user may reveal."""
    return {
        "applicants": case_applicants(user=user, case=case),
        "can_reveal_applicant": has_capability(user, Capability.REVEAL_ID_NUMBER),
    }


# what may be revealed → its Chinese name
REVEALABLE = {"id": "证件号码", "phone": "联系电话"}


class ApplicantRevealForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    what = forms.ChoiceField(choices=list(REVEALABLE.items()), widget=forms.HiddenInput)
    reason = forms.CharField(label="查看理由（将记入审计日志）", max_length=200, min_length=2)


def applicant_reveal(*, actor: User, case: Case, application_pk: int, what: str, reason: str) -> str:
    """The applicant's full ID number or phone, shown once: the capability, a typed reason, an audit event
    (as registry's person_reveal_id). `case` was fetched through the actor's scope."""
    if not has_capability(actor, Capability.REVEAL_ID_NUMBER):
        raise PermissionDenied("您的角色不能查看完整证件号码或电话")
    if what not in REVEALABLE:
        raise InvalidInput([ErrorDetail(("what",), "invalid", "请选择要查看的内容")])
    if len(reason.strip()) < 2:
        raise InvalidInput([ErrorDetail(("reason",), "required", f"请填写查看完整{REVEALABLE[what]}的理由")])
    application = case.applications.filter(pk=application_pk).first()
    if application is None:
        raise not_found()
    is_id = what == "id"
    with transaction.atomic():
        audit.record(
            actor=actor, action="application.reveal_id" if is_id else "application.reveal_phone",
            target=application, division=case.village,
            new={"case": case.pk, "shown": application.id_number_masked if is_id else application.phone_masked},
            reason=reason.strip(),
        )  # fmt: skip
    if is_id:
        return decrypt_id_number(bytes(application.id_number_encrypted))
    return revealed_phone(application.phone_encrypted)
