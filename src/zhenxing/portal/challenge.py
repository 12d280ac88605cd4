"""A simple challenge that works offline (no third-party captcha): a sum of two small numbers, its answer
signed into the form with the server's key and a time limit, plus a hidden field people leave empty.

Each challenge carries a nonce and can be answered once: the first answer — right or wrong — spends it (a
unique row), so a captured form cannot be replayed and one question cannot be tried answer after answer."""

from __future__ import annotations

import datetime
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

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
