"""How an audit event reads on screen: Chinese names for the action, the object, each changed field and
each coded value, never the stored codes (auth.login, accounts.user, county_decision, True/None).

The stored row keeps its codes (they are the record); the words come from the models' own verbose names
and choices, so a field renamed in Chinese is renamed here too.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from zhenxing.audit.actions import action_label
from zhenxing.audit.models import AuditEvent

# Keys that services write but that are no model field of the target.
KEY_LABELS: dict[str, str] = {
    "status": "状态",
    "step": "办理记录",
    "case": "案件",
    "kind": "类别",
    "projects": "项目",
    "project": "项目",
    "posted_on": "公示开始",
    "ends_on": "公示截止",
    "period_days": "公示期（天）",
    "channel": "渠道",
    "eligible": "符合条件",
    "reasons": "原因",
    "messages": "说明",
    "entries": "条数",
    "grade": "预警等级",
    "rules": "规则",
    "changes": "变更内容",
    "count": "数量",
    "edition": "版本",
    "version": "版本",
    "rows": "行数",
    "households": "农户数",
    # a synthetic generation run (synth/services.py, synth/projects.py)
    "seed": "随机种子",
    "years": "年度",
    "per_year": "每年项目数",
    # the synthetic fund ledger's counts (synth/funds.py)
    "documents": "资金下达文件数",
    "splits": "资金分配笔数",
    "payments": "支付笔数",
    "reversals": "冲销笔数",
    "withdrawn": "出库项目数",
    "late_counties": "支出偏慢的县(市)",
    "leads": "线索数",
    "fields": "字段",
    "error": "错误",
    "ip": "地址",
    # an import's summary (transfer/apply.py Summary)
    "households_added": "新增农户",
    "households_updated": "更新农户",
    "households_unchanged": "未变农户",
    "people_added": "新增人员",
    "people_updated": "更新人员",
    "people_unchanged": "未变人员",
    "years_added": "新增年度数据",
    "years_updated": "更新年度数据",
    "in_registry": "已在台账",  # a portal application: the applicant is a registered person
    "suppressed_until": "暂停预警至",  # a dismissed lead's rules stay quiet until then (screening/transitions.py)
    # a screening round's counts (screening/services.py)
    "new": "新增线索",
    "merged": "合并线索",
    "unchanged": "未变线索",
    "suppressed": "暂停预警",
    "engine": "计算方式",
    # measures closed at elimination, by their end state (monitoring/assistance)
    "completed": "已完成",
    "terminated": "已终止",
    "cases": "案件",
    "method": "消除方式",
    "purpose": "用途",
    "year": "年度",
    "file": "文件",
    "measures": "帮扶措施",
    "notice": "公示",
    # a 民政比对 (P17, monitoring/lowincome): the roster batch compared and the new differences by kind
    "by_kind": "新发现差异（按类别）",
    "batch": "数据批次",
    "county": "县（市）",
    "lead": "预警线索",
    "visit": "引用的走访记录",
    "confirmed": "核实属实",
    "outcome": "核实结果",
    "first_time": "首次反馈民政的差异数",
    # a person's and a household's contact fields, stored masked under these keys (audit/sensitive.py)
    "id_number": "证件号码",
    "phone": "联系电话",
    "contact_phone": "户联系电话",
    # the project library workbook: its export's filters and an import's counts (projects/imports.py); "projects"
    # is named once above (项目: a batch's list, an export's count)
    "filters": "筛选条件",
    "to_add": "待导入项目",
    "added": "新增项目",
    "unchanged_rows": "已在库（未重复导入）",
    "skipped": "未导入行",
    "error_count": "错误数",
    "warning_count": "提示数",
    "places": "项目地点",
    "sources_fen": "各资金来源计划投资（分）",
    # the project library's own writes (projects/services.py, transitions.py): what a key names when the
    # target's model does not (an attachment's file, the version an adjustment replaced)
    "size": "文件大小（字节）",
    "content_type": "文件类型",
    "replaced_by": "由新版本替代",
    "id": "记录号",  # an adjustment names the version it replaced; a parameter citation its row
    "total_fen": "计划总投资（分）",
    "prefecture_filed_on": "州级备案日期",
    # linkage funds (funds/services.py)
    "amount_fen": "金额（分）",
    "doc_number": "文号",
    "budget_year": "预算年度",
    "lines": "资金指标",
    "paid_fen": "已支付（分）",
    "released_fen": "退回或收回（分）",
    "reverses": "冲销的支付",
    # 绩效评价 reports (funds/performance_xlsx.py): which report left, of which year, with which total
    "report": "报表",
    "total_score": "绩效总分",
    # project assets (assets/*.py)
    "shares": "资金构成（分）",
    "inspection": "巡查记录",
    "photos": "照片数",
    "asset_care": "资产管护参数",
    "disposal": "处置申请",
    "asset": "资产",
    "payouts_paid": "发放人数",
    "parameter": "参数",
    "type": "资产类型",
    "document": "形成依据",
    "old_total_fen": "原分配合计（分）",
    "valuation_fen": "评估价值（分）",
    "plan": "收益分配方案",
    # the synthetic register's counts (synth/assets.py)
    "assets": "资产数",
    "handed_over": "已移交资产数",
    "inspections": "巡查次数",
    "incomes": "收益条数",
    "disposals": "处置件数",
    "plans": "分配方案数",
    "collective_incomes": "村集体经济收入条数",
    # the plan's indicators and the county assessment (planning/): a frozen period's count and data time, a
    # report's value before its revision, an export's scope and day, the records an assessment was computed from
    "files": "附件数",
    # a dashboard refresh: its rows, time and each figure's counting-rule version; an export's figure and place
    "seconds": "用时（秒）",
    "versions": "口径版本",
    "figure": "图表",
    "place": "区划",
    "measure": "指标",
    "values": "冻结数值个数",
    "as_of": "数据截至",
    "period": "统计期",
    "old_value": "修改前数值",
    "value": "数值",
    "indicator": "指标",
    "scope": "范围",
    "on": "日期",
    "total": "总分",
    "large_scale_return": "规模性返贫风险",
    "deadline": "报送期限",
    "supervision": "约谈督办",
    "result": "整改结果",
    "held_on": "约谈/挂牌日期",
    "due_on": "整改期限",
    "owner": "责任单位",
    "dimension": "考核维度",
    "deduction": "扣分",
    "role": "职务",
    "unit": "派出单位",
    "starts_on": "开始日期",
    "closed_on": "销号日期",
    "planning_rules": "规划指标口径参数",
    "poverty_standard": "国家扶贫标准",
    "assessment": "考核评估参数",
    "returned_people_note": "返贫人口口径说明",
}

# Coded values that are no model field's choice: the P9 elimination reasons (policy.rules.elimination, which
# audit sits below; tests/audit/test_action_labels.py holds the two lists together) and an import's changes.
VALUE_LABELS: dict[str, str] = {
    "monitoring_too_short": "纳入监测时间不足规定期限",
    "income_below_line": "家庭人均纯收入低于当年监测范围",
    "adjusted_income_below_line": "扣除刚性支出后的人均收入低于当年监测范围",
    "housing_unsafe": "住房安全问题未解决",
    "water_unsafe": "饮水安全问题未解决",
    "education_dropout": "有义务教育阶段失学辍学人员",
    "uninsured_member": "有家庭成员未参加基本医疗保险",
    "no_labour": "家庭无劳动能力",
    # screening engines (screening/services.py ENGINES)
    "db": "数据库内计算",
    "duckdb": "DuckDB 快照计算",
    "spark": "Spark 计算",
    # the library list's 在库 filter (projects/workbook.py IN_LIBRARY)
    "in_library": "在库",
}

# What an import changed in a household: the list under "changes" (transfer/apply.py Summary.touched). Words like
# "new" and "year" are too common to read the same wherever they appear, so they are named under this key only.
IMPORT_CHANGES: dict[str, str] = {
    "new": "新建农户",
    "household": "户信息",
    "person": "人员信息",
    "year": "年度收入",
    "member_joined": "成员加入",
    "member_left": "成员迁出",
    "member_relation": "与户主关系变更",
}

TARGET_ALL = {"*": "全部"}
HASHED = "hmac:"
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Change:
    label: str
    value: str


@dataclass(frozen=True)
class EventView:
    event: AuditEvent
    action: str
    target: str
    old: list[Change]
    new: list[Change]
    actor: str  # who acted, in words: a user name, or 系统 / 群众申报 / 部门接口 for the non-user actors


# actor_label values that are no user name (audit/services.py SYSTEM_ACTOR, portal/services.py, feeds' API keys)
ACTOR_LABELS = {"system": "系统（自动）", "portal": "群众申报（门户）", "public": "群众留言（村务公开页）"}
API_KEY_ACTOR = "apikey:"


def actor_label(label: str) -> str:
    if label.startswith(API_KEY_ACTOR):
        return f"部门接口（密钥 {label.removeprefix(API_KEY_ACTOR)}）"
    return ACTOR_LABELS.get(label, label)


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def target_label(target_type: str, target_id: str) -> str:
    model = _model(target_type)
    name = str(model._meta.verbose_name) if model is not None else target_type
    if not target_id:
        return name
    return f"{name} {TARGET_ALL.get(target_id, '#' + target_id)}"


@cache
def _project_fields() -> tuple[dict[str, str], dict[str, str]]:
    """Field name → verbose name, and coded value → label, across the project's own models (first wins)."""
    names: dict[str, str] = {}
    values: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("zhenxing."):
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, models.Field):
                    continue
                if _named(field):
                    names.setdefault(field.name, str(field.verbose_name))
                for code, label in field.flatchoices or ():
                    if isinstance(code, str) and code:
                        values.setdefault(code, str(label))
    return names, {**values, **VALUE_LABELS}


def _named(field: models.Field[Any, Any]) -> bool:
    """Whether the field was given a verbose name: Django's default is the field's name with spaces (a foreign
    key `case` reads "case"), which is no word for the screen."""
    return str(field.verbose_name) != field.name.replace("_", " ")


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except Exception:  # FieldDoesNotExist, or a key that is no field name at all
        return None
    return field if isinstance(field, models.Field) else None


def value_label(value: Any, field: models.Field[Any, Any] | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(value_label(item, field) for item in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{key_label(str(k))}：{value_label(v)}" for k, v in value.items()) or "—"
    if field is not None and field.choices:
        choices = {str(code): str(label) for code, label in field.flatchoices}
        if str(value) in choices:
            return choices[str(value)]
    if isinstance(value, str) and ISO_MOMENT.match(value):
        return _beijing(value)
    if isinstance(value, str) and value.startswith(
        HASHED
    ):  # audit/sensitive.py keeps a sensitive value's digest
        return "（敏感信息，已改为摘要，不显示原值）"
    if isinstance(value, str):
        return _project_fields()[1].get(value, value)
    return str(value)


def _beijing(value: str) -> str:
    """A time a service stored as ISO text (visited_at, revoked_at), shown in Beijing time like every time."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%Y-%m-%d %H:%M}"


def key_label(key: str, model: type[models.Model] | None = None) -> str:
    field = _field(model, key)
    if field is not None and _named(field):
        return str(field.verbose_name)
    return KEY_LABELS.get(key) or _project_fields()[0].get(key, key)


# Keys whose value is a mapping keyed by another model's coded field (a project's planned money by fund source):
# its keys are labelled by that field's choices, not read as keys ("county" is a fund source there, no place).
CODED_KEYS: dict[str, tuple[str, str]] = {"sources_fen": ("projects.projectfunding", "source")}


def _coded(key: str, value: dict[str, Any]) -> str:
    model_name, field_name = CODED_KEYS[key]
    field = _field(_model(model_name), field_name)
    return "；".join(f"{value_label(k, field)}：{value_label(v)}" for k, v in value.items()) or "—"


def _change_value(model: type[models.Model] | None, key: str, value: Any) -> str:
    if key == "changes" and isinstance(value, list):
        return "、".join(IMPORT_CHANGES.get(str(item), str(item)) for item in value)
    if key in CODED_KEYS and isinstance(value, dict):
        return _coded(key, value)
    return value_label(value, _field(model, key))


def changes(target_type: str, values: dict[str, Any] | None) -> list[Change]:
    if not values:
        return []
    model = _model(target_type)
    if not isinstance(values, dict):
        return [Change("内容", value_label(values))]
    return [Change(key_label(key, model), _change_value(model, key, value)) for key, value in values.items()]


def event_view(event: AuditEvent) -> EventView:
    return EventView(
        event=event,
        action=action_label(event.action),
        target=target_label(event.target_type, event.target_id),
        old=changes(event.target_type, event.old_values),
        new=changes(event.target_type, event.new_values),
        actor=actor_label(event.actor_label),
    )
