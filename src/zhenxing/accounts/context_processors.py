"""Navigation by role: each entry shows only to users with its capability."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from zhenxing.accounts.capabilities import Capability, capabilities_of

# (label, url name, capability needed or None for every signed-in user)
NAVIGATION: tuple[tuple[str, str, Capability | None], ...] = (
    ("首页", "home", None),
    ("图表", "dashboards:home", Capability.VIEW_DASHBOARDS),
    ("地图", "dashboards:map", Capability.VIEW_DASHBOARDS),
    ("识别案件", "monitoring:list", Capability.VIEW_CASES),
    ("监测公示", "monitoring:notices", Capability.VIEW_CASES),
    ("我的帮扶户", "monitoring:mine", Capability.VIEW_CASES),
    ("监测统计", "monitoring:report", Capability.VIEW_CASES),
    ("住房台账", "monitoring:housing", Capability.VIEW_CASES),
    ("项目库", "projects:list", Capability.VIEW_PROJECTS),
    ("项目公示", "projects:notices", Capability.VIEW_PROJECTS),
    ("衔接资金", "funds:allocations", Capability.VIEW_FUNDS),
    ("支出进度", "funds:progress", Capability.VIEW_FUNDS),
    ("绩效评价", "funds:performance", Capability.VIEW_FUNDS),
    ("项目资产", "assets:list", Capability.VIEW_ASSETS),
    ("资产监管", "assets:oversight", Capability.VIEW_ASSETS),
    ("资产处置", "assets:disposals", Capability.VIEW_ASSETS),
    ("收益分配", "assets:plans", Capability.VIEW_REGISTRY),  # the territorial roles: plans name villagers
    ("集体经济", "assets:collective", Capability.VIEW_REGISTRY),  # villages: not a sector department's
    ("规划指标", "planning:indicators", Capability.VIEW_PLANNING),
    ("指标填报", "planning:reports", Capability.REPORT_INDICATOR),
    ("考核评估", "planning:assessments", Capability.VIEW_PLANNING),
    ("约谈督办", "planning:supervisions", Capability.VIEW_PLANNING),
    ("驻村工作队", "planning:teams", Capability.VIEW_PLANNING),
    ("预警线索", "screening:list", Capability.VIEW_REGISTRY),
    ("范围测算", "screening:what_if", Capability.VIEW_REGISTRY),
    ("部门数据", "feeds:list", Capability.PUSH_FEEDS),
    ("农户", "registry:search", Capability.VIEW_REGISTRY),
    ("数据质量", "registry:quality", Capability.VIEW_REGISTRY),
    ("台账导入", "transfer:list", Capability.IMPORT_REGISTRY),
    ("行政区划", "divisions:browse", Capability.BROWSE_DIVISIONS),
    ("政策评估", "policy:evaluate", Capability.EVALUATE_POLICY),
    ("政策参数", "policy:parameters", None),
    ("审计日志", "audit:list", Capability.VIEW_AUDIT),
    ("系统管理", "admin:index", Capability.MANAGE_USERS),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    capabilities = capabilities_of(user)
    items = [
        {"label": label, "url": reverse(url_name), "active": request.path == reverse(url_name)}
        for label, url_name, needed in NAVIGATION
        if needed is None or needed in capabilities
    ]
    return {"nav_items": items, "user_capabilities": capabilities}
