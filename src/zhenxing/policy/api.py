from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from zhenxing.policy.contract import evaluate_json
from zhenxing.policy.request import EvaluateRequest

router = Router(tags=["政策规则 policy"])

_REQUEST_SCHEMA = EvaluateRequest.model_json_schema(ref_template="#/components/schemas/{model}")


@router.post(
    "/evaluate",
    summary="按政策规则评估一户（P3-P11），只读取年度参数",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _REQUEST_SCHEMA}}},
        "responses": {
            "200": {"description": "评估结果（与 `zhenxing policy evaluate` 输出一致）"},
            "422": {
                "description": '输入有误：{"errors": [{"loc": [...], "code": "...", "message": "中文说明"}]}'
            },
        },
    },
)
def evaluate(request: HttpRequest) -> HttpResponse:
    status, body = evaluate_json(request.body)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
