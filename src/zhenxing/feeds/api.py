from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from zhenxing.accounts.api_auth import department_key_auth, session_auth
from zhenxing.accounts.models import DepartmentApiKey, User
from zhenxing.common.enums import Department
from zhenxing.common.errors import ErrorDetail, InvalidInput, not_found
from zhenxing.feeds.parsing import FeedFileError, rows_from_json
from zhenxing.feeds.services import MAX_ROWS, feed_batch_ingest
from zhenxing.policy.contract import dumps, loads

router = Router(tags=["部门数据 feeds"])


class RowErrorOut(Schema):
    row: int
    field: str
    message: str


class BatchOut(Schema):
    batch: int
    duplicate: bool
    rows: int
    accepted: int
    quarantined: int
    unmatched: int
    errors: list[RowErrorOut]


@router.post(
    "/feeds/{department}/batches",
    auth=[department_key_auth, session_auth],
    response={201: BatchOut, 200: BatchOut},
    summary="部门推送一批记录（X-API-Key）；同一批次重复推送不会重复入库",
    description=(
        f"每批最多 {MAX_ROWS:,} 条记录，请求体不超过 ZHENXING_FEED_MAX_MB（默认 64 MB）。"
        "密钥请求不需要 CSRF 令牌；本部门的密钥只能推送本部门的数据。"
        "民政（civil_affairs）按县报送全量名册时，每条记录都填写 county_code（大理州的6位县级区划代码）和 "
        "snapshot_date（名册日期）：一批只能是一个县、一个日期（否则 422）；日期更新的名册替代该县的现行名册，"
        "日期不晚于现行名册的不同名册不接收（409）。"
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"records": {"type": "array", "items": {"type": "object"}}},
                    }
                }
            },
        }
    },
)
def push_batch(request: HttpRequest, department: Department) -> HttpResponse:
    principal = getattr(request, "auth", None)
    if isinstance(principal, DepartmentApiKey):
        if principal.department != department:
            raise not_found()  # a key pushes for its own department only
        actor, key = None, principal
    elif (
        isinstance(principal, User) and principal.role == "department" and principal.department == department
    ):
        actor, key = principal, None
    else:
        raise not_found()
    try:
        rows = rows_from_json(loads(request.body))
    except FeedFileError as error:
        raise InvalidInput([ErrorDetail(("records",), "invalid_body", str(error))]) from error
    result = feed_batch_ingest(department=department, rows=rows, source="api", actor=actor, api_key=key)
    batch = result.batch
    body = {
        "batch": batch.pk,
        "duplicate": not result.created,
        "rows": batch.rows,
        "accepted": batch.accepted,
        "quarantined": batch.quarantined,
        "unmatched": batch.unmatched,
        "errors": [
            {"row": q.row_number, "field": q.field, "message": q.reason}
            for q in batch.quarantine.order_by("row_number")[:1000]
        ],
    }
    return HttpResponse(
        dumps(body), status=201 if result.created else 200, content_type="application/json; charset=utf-8"
    )
