"""Visit sync for phones that worked offline: the client's UUID makes a repeated sync a no-op."""

from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.common.errors import PermissionDenied, not_found
from zhenxing.common.typed_text import Text
from zhenxing.monitoring.cases import case_get_for_user
from zhenxing.monitoring.identification import services

router = Router(tags=["识别案件 monitoring"])


class VisitIn(Schema):
    """The limits are the service's (visit_record checks them again, with its Chinese messages)."""

    uuid: uuid.UUID
    visited_at: datetime.datetime = Field(description="带时区，如 2025-09-02T10:00:00+08:00")
    place: Text = Field(min_length=2, max_length=services.VISIT_PLACE_MAX)
    findings: Text = Field(min_length=4, max_length=services.VISIT_FINDINGS_MAX)
    authorization_signed: bool = False


class VisitOut(Schema):
    id: int
    uuid: uuid.UUID
    created: bool


@router.post(
    "/cases/{case_id}/visits",
    response={200: VisitOut, 201: VisitOut},
    summary="同步一条走访记录（按客户端编号去重）",
)
def visit_sync(request: HttpRequest, case_id: int, payload: VisitIn) -> JsonResponse:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise not_found()
    case = case_get_for_user(user=user, pk=case_id)
    if not has_capability(user, Capability.ACT_ON_CASE):
        raise PermissionDenied("您的角色不能办理识别案件")
    visit, created = services.visit_record(
        actor=user, case=case, client_uuid=payload.uuid, visited_at=payload.visited_at, place=payload.place,
        findings=payload.findings, authorization_signed=payload.authorization_signed,
    )  # fmt: skip
    body = VisitOut(id=visit.pk, uuid=visit.uuid, created=created).model_dump(mode="json")
    return JsonResponse(body, status=201 if created else 200)
