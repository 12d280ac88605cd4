"""A simple challenge that works offline (no third-party captcha): a sum of two small numbers, its answer
signed into the form with the server's key and a time limit, plus a hidden field people leave empty."""

from __future__ import annotations

import secrets

from django.core import signing

SALT = "zhenxing.portal.challenge"
MAX_AGE_SECONDS = 30 * 60


def challenge_new() -> tuple[str, str]:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return f"{a} + {b} = ?", signing.dumps({"answer": a + b}, salt=SALT)


def challenge_passed(token: str, answer: str) -> bool:
    try:
        expected = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)["answer"]
    except (signing.BadSignature, KeyError, TypeError):
        return False
    return answer.strip() == str(expected)
