from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from zhenxing.policy.contract import evaluate_json
from zhenxing.policy.request import EvaluateRequest

router = Router(tags=["政策规则 policy"])

_REQUEST_SCHEMA = EvaluateRequest.model_json_schema(ref_template="#/components/schemas/{model}")


@router.post(
    "/evaluate",
    summary="按政策规则评估一户（P3-P11、P17），只读取年度参数",
    description=(
        "接口版本 2（响应中的 `contract_version`）：请求可选 `decided_on`（决定日期 YYYY-MM-DD，不填为今天），"
        "按决定日期选择政策阶段（P17），监测范围仍按 `year`（收入所属年度）取值；响应增加 `decided_on`、"
        "`regime`（政策阶段及其参数版本）、`monitoring_line_provisional` 与 `monitoring_line_note`"
        "（当年标准尚未公布时暂用上一年度标准）、`sector_rules`（医保资助参保与一次性交通补助当年是否已配置，"
        "未配置时对应结果为 null）；`parameters` 中包含 `regime`。"
        "版本 1 的请求（不含 `decided_on` 与 `contract_version`）仍然有效，按今天作出决定：已有当年监测范围的年度"
        "判定结果不变；当年标准尚未公布的年度（如2026年）按政策阶段的规定暂用上一年度标准或不作判定，"
        "过渡期结束的行业政策（医保资助参保、一次性交通补助）未配置时为 null。"
    ),
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
