"""Domain errors. Services raise these; `zhenxing.api` and `zhenxing.common.views` map them to HTTP in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErrorDetail:
    """One problem with the input: where (a JSON path in the request's own keys), a code, a Chinese message."""

    loc: tuple[str | int, ...]
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "code": self.code, "message": self.message}


class DomainError(Exception):
    """Base of every error a service may raise on purpose. The message is Chinese and shown to the user."""

    http_status = 400
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def errors(self) -> list[ErrorDetail]:
        return [ErrorDetail(loc=(), code=self.code, message=self.message)]


class NotFound(DomainError):
    """Also raised for objects outside the user's scope, so that their existence does not leak."""

    http_status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    """The user may see the object but lacks the capability for this action."""

    http_status = 403
    code = "permission_denied"


class Conflict(DomainError):
    http_status = 409
    code = "conflict"


class InvalidInput(DomainError):
    """Input that fails validation; carries every problem found, not only the first."""

    http_status = 422
    code = "invalid"

    def __init__(self, details: Sequence[ErrorDetail]) -> None:
        self.details = list(details)
        super().__init__(self.details[0].message if self.details else "输入有误")

    def errors(self) -> list[ErrorDetail]:
        return list(self.details)


def not_found() -> NotFound:
    return NotFound("未找到，或不在您的管辖范围内")
