"""A simple challenge that works offline (no third-party captcha): a sum of two small numbers, its answer
signed into the form with the server's key and a time limit, plus a hidden field people leave empty.

Each challenge carries a nonce and can be answered once: the first answer — right or wrong — spends it (a
unique row), so a captured form cannot be replayed and one question cannot be tried answer after answer."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from zhenxing.common.errors import InvalidInput
from zhenxing.portal.models import ChallengeUse

SALT = "zhenxing.portal.challenge"
MAX_AGE_SECONDS = 30 * 60


def challenge_new() -> tuple[str, str]:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"answer": a + b, "nonce": secrets.token_hex(16)}, salt=SALT)
    return f"{a} + {b} = ?", token


def _spend(nonce: str) -> bool:
    """True the first time a nonce is spent, False ever after (across workers: a unique row)."""
    now = timezone.now()  # the signature's age is real time, so the record of spent nonces is too
    try:
        with transaction.atomic():
            ChallengeUse.objects.create(nonce=nonce, used_at=now)
    except IntegrityError:
        return False
    # a spent nonce only has to be kept as long as its signature would still be accepted
    ChallengeUse.objects.filter(used_at__lt=now - datetime.timedelta(seconds=2 * MAX_AGE_SECONDS)).delete()
    return True


def challenge_passed(token: str, answer: str) -> bool:
    """Whether `answer` solves the challenge in `token`; the token is spent either way."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        expected, nonce = payload["answer"], str(payload["nonce"])
    except (signing.BadSignature, KeyError, TypeError):
        return False
    if not _spend(nonce[:32]):
        return False
    return answer.strip() == str(expected)


def human_checks_passed(form: Any, data: dict[str, Any]) -> bool:
    """The checks every public form asks before its service runs: the hidden field (a robot that fills it gets
    a 404, nothing said) and the challenge (a wrong or spent answer is an error on the form)."""
    if data["website"]:
        raise Http404
    if not challenge_passed(data["token"], data["answer"]):
        form.add_error("answer", "验证没有通过（答案不对，或这道题已经答过），请计算新的题目")
        return False
    return True


def add_service_errors(form: Any, error: InvalidInput) -> None:
    """A service's refusal on the form: each problem at its field when the form has one, else at the top."""
    for detail in error.errors():
        field = str(detail.loc[0]) if detail.loc else None
        form.add_error(field if field in form.fields else None, detail.message)
