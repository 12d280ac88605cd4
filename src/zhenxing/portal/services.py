"""Self-application (P8 群众自主申报) from the public portal: validated, rate-limited, stored encrypted, and
landed in the village's inbox as a case."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.crypto import (
    encrypt_id_number,
    encrypt_phone,
    id_number_index,
    keyed_hash,
    mask_id_number,
    mask_phone,
)
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.common.locks import serialize_on
from zhenxing.common.uploads import IMAGE_TYPES, upload_accept
from zhenxing.monitoring.enums import OPEN_STATUSES, CaseSource, CaseStatus, Difficulty
from zhenxing.monitoring.identification.services import case_open
from zhenxing.monitoring.models import Case
from zhenxing.policy.rules.idnumber import IdNumberError, parse_id_number
from zhenxing.portal.models import Application, LookupFailure
from zhenxing.registry.models import Membership

if TYPE_CHECKING:
    from zhenxing.divisions.models import Division

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
LIMIT_PER_IP = 5  # applications per address per day
LIMIT_PER_ID = 2  # applications per ID number per day
PHOTO_MAX_BYTES = 5 * 1024 * 1024


LOOKUP_WINDOW = datetime.timedelta(hours=1)
LOOKUP_FAILURES_PER_ADDRESS = 10  # failed status lookups per client address per hour
LOOKUP_FAILURES_PER_CODE = 5  # failed status lookups per tracking code per hour (4 characters of ID to guess)


class TooManyApplications(Conflict):
    http_status = 429
    code = "rate_limited"


class TooManyLookups(Conflict):
    http_status = 429
    code = "rate_limited"


def _tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def application_submit(
    *, village: Division, name: str, id_number: str, phone: str, difficulties: list[str], description: str,
    on_behalf: bool, reporter_name: str = "", reporter_relation: str = "", photo: UploadedFile | None = None,
    ip_address: str,
) -> Application:  # fmt: skip
    today, now = clock.today(), clock.now()
    problems: list[ErrorDetail] = []
    try:
        parsed = parse_id_number(id_number, today=today)
    except IdNumberError as error:
        problems.append(ErrorDetail(("id_number",), error.code, error.message))
        parsed = None
    if len(name.strip()) < 2:
        problems.append(ErrorDetail(("name",), "required", "请填写申请人姓名"))
    digits = phone.strip().replace("-", "").replace(" ", "")
    if not (digits.isdigit() and 7 <= len(digits) <= 12):
        problems.append(
            ErrorDetail(("phone",), "invalid_phone", "请填写正确的联系电话（手机11位或座机号码）")
        )
    if not difficulties or any(d not in Difficulty.values for d in difficulties):
        problems.append(ErrorDetail(("difficulties",), "required", "请至少选择一项困难类型"))
    if len(description.strip()) < 4:
        problems.append(ErrorDetail(("description",), "required", "请简单说明遇到的困难"))
    if on_behalf and len(reporter_name.strip()) < 2:
        problems.append(ErrorDetail(("reporter_name",), "required", "他人代举请填写代举人姓名"))
    if photo is not None:
        try:  # a photo is a JPEG, PNG or WebP by its bytes, stored under a fresh name with that extension
            photo.name = upload_accept(
                photo, field="photo", allowed=IMAGE_TYPES, max_bytes=PHOTO_MAX_BYTES
            ).stored_name
        except InvalidInput as error:
            problems.extend(error.details)
    if problems or parsed is None:
        raise InvalidInput(problems)
    index = id_number_index(parsed.number)
    ip_hash = keyed_hash(ip_address, purpose="portal-ip")
    since = now - datetime.timedelta(days=1)

    membership = (
        Membership.objects.filter(person__id_number_index=index, left_on__isnull=True)
        .select_related("household__village")
        .first()
    )
    household = membership.household if membership else None
    # a household in the registry is handled where it is registered
    home = household.village if household is not None else village
    with transaction.atomic():
        # counted and inserted under one lock per address and per ID: a burst cannot slip past the limits
        serialize_on(f"portal-ip:{ip_hash}")
        serialize_on(f"portal-id:{index}")
        if Application.objects.filter(ip_hash=ip_hash, created_at__gte=since).count() >= LIMIT_PER_IP:
            raise TooManyApplications("今天从这台设备提交的申请已达上限，请明天再试，或直接到村委会申报")
        if Application.objects.filter(id_number_index=index, created_at__gte=since).count() >= LIMIT_PER_ID:
            raise TooManyApplications("该身份证号今天已提交过申请，请用查询码查看办理进度")
        case = (
            Case.objects.filter(
                household=household, status__in=[*OPEN_STATUSES, CaseStatus.CONFIRMED]
            ).first()
            if household is not None
            else None
        )
        if case is None:
            case = case_open(
                actor=None, village=home, source=CaseSource.SELF_APPLICATION, household=household,
                summary=f"{'、'.join(difficulties)}：{description.strip()}", actor_label="portal",
            )  # fmt: skip
        application = Application.objects.create(
            tracking_code=_tracking_code(), village=home, name=name.strip(),
            id_number_encrypted=encrypt_id_number(parsed.number), id_number_index=index,
            id_number_masked=mask_id_number(parsed.number), phone_encrypted=encrypt_phone(digits),
            phone_masked=mask_phone(digits), difficulties=difficulties, description=description.strip(),
            on_behalf=on_behalf, reporter_name=reporter_name.strip(), reporter_relation=reporter_relation.strip(),
            photo=photo, ip_hash=ip_hash, case=case, created_at=now,
        )  # fmt: skip
        audit.record(
            actor=None, actor_label="portal", action="application.create", target=application, division=home,
            new={"case": case.pk, "on_behalf": on_behalf, "difficulties": difficulties, "in_registry": household is not None},
        )  # fmt: skip
    return application


def _lookup_keys(*, tracking_code: str, ip_address: str) -> tuple[str, str]:
    return (
        keyed_hash(ip_address, purpose="portal-lookup-ip"),
        keyed_hash(tracking_code, purpose="portal-lookup-code"),
    )


def _lookups_exhausted(address_key: str, code_key: str, since: datetime.datetime) -> bool:
    failures = LookupFailure.objects.filter(failed_at__gte=since)
    return (
        failures.filter(key=address_key).count() >= LOOKUP_FAILURES_PER_ADDRESS
        or failures.filter(key=code_key).count() >= LOOKUP_FAILURES_PER_CODE
    )


def application_find(*, tracking_code: str, id_last4: str, ip_address: str) -> Application | None:
    """By the tracking code and the last four characters of the ID number, both needed; None otherwise
    (the same answer for a wrong code and a wrong tail, so that neither can be probed). Failed lookups are
    counted per address and per code: past the limit the lookup is refused, right answer or not."""
    code = tracking_code.strip().upper()[:12]
    tail = id_last4.strip().upper()
    now = clock.now()
    since = now - LOOKUP_WINDOW
    address_key, code_key = _lookup_keys(tracking_code=code, ip_address=ip_address)
    refusal = TooManyLookups("查询失败次数过多，请一小时后再试，或拨打12317、联系村委会查询办理进度")
    if _lookups_exhausted(address_key, code_key, since):
        raise refusal
    # counted as failed until it succeeds: a burst of parallel guesses sees every one of its own attempts
    attempt = LookupFailure.objects.bulk_create(
        [LookupFailure(key=address_key, failed_at=now), LookupFailure(key=code_key, failed_at=now)]
    )
    LookupFailure.objects.filter(failed_at__lt=now - datetime.timedelta(days=1)).delete()
    failures = LookupFailure.objects.filter(failed_at__gte=since)
    if (
        failures.filter(key=address_key).count() > LOOKUP_FAILURES_PER_ADDRESS
        or failures.filter(key=code_key).count() > LOOKUP_FAILURES_PER_CODE
    ):
        raise refusal
    application = None
    if len(code) == 10 and len(tail) == 4:
        application = Application.objects.filter(tracking_code=code).select_related("case", "village").first()
    if application is None or not application.id_number_masked.endswith(tail):
        return None
    LookupFailure.objects.filter(pk__in=[row.pk for row in attempt]).delete()
    return application
