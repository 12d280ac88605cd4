"""Chinese messages for pydantic's own validation errors, for every API schema and the policy contract.

Errors our validators raise (PydanticCustomError) already carry a Chinese message; pydantic's built-in
types speak English, so each type a caller can provoke gets its sentence here, with the limits it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _ctx(error: Mapping[str, Any], key: str) -> Any:
    return (error.get("ctx") or {}).get(key, "")


MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda e: "缺少必填字段",
    "extra_forbidden": lambda e: "不认识的字段（请检查拼写）",
    "model_type": lambda e: "应为对象",
    "model_attributes_type": lambda e: "应为对象",
    "dict_type": lambda e: "应为对象",
    "list_type": lambda e: "应为数组",
    "string_type": lambda e: "应为字符串",
    "none_required": lambda e: "应为 null",
    "int_type": lambda e: "应为整数",
    "int_parsing": lambda e: "应为整数",
    "int_parsing_size": lambda e: "整数过大",
    "int_from_float": lambda e: "应为整数（不能有小数）",
    "float_type": lambda e: "应为数字",
    "float_parsing": lambda e: "应为数字",
    "finite_number": lambda e: "应为有限的数字",
    "decimal_type": lambda e: "应为数字",
    "decimal_parsing": lambda e: "应为数字",
    "decimal_max_places": lambda e: f"最多保留 {_ctx(e, 'decimal_places')} 位小数",
    "decimal_max_digits": lambda e: f"数字最多 {_ctx(e, 'max_digits')} 位",
    "decimal_whole_digits": lambda e: f"整数部分最多 {_ctx(e, 'whole_digits')} 位",
    "bool_type": lambda e: "应为 true 或 false",
    "bool_parsing": lambda e: "应为 true 或 false",
    "greater_than": lambda e: f"应大于 {_ctx(e, 'gt')}",
    "greater_than_equal": lambda e: f"应不小于 {_ctx(e, 'ge')}",
    "less_than": lambda e: f"应小于 {_ctx(e, 'lt')}",
    "less_than_equal": lambda e: f"应不大于 {_ctx(e, 'le')}",
    "string_too_long": lambda e: f"最多 {_ctx(e, 'max_length')} 个字符",
    "string_too_short": lambda e: f"至少 {_ctx(e, 'min_length')} 个字符",
    "string_pattern_mismatch": lambda e: "格式不正确",
    "too_long": lambda e: f"最多 {_ctx(e, 'max_length')} 项",
    "too_short": lambda e: f"至少 {_ctx(e, 'min_length')} 项",
    "json_invalid": lambda e: "请求体不是有效的 JSON",
    "json_type": lambda e: "应为 JSON",
    "date_type": lambda e: "应为日期（YYYY-MM-DD）",
    "date_parsing": lambda e: "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": lambda e: "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": lambda e: "应为日期（不含时间）",
    "datetime_type": lambda e: "应为带时区的时间（如 2026-03-01T09:30:00+08:00）",
    "datetime_parsing": lambda e: "应为带时区的时间（如 2026-03-01T09:30:00+08:00）",
    "datetime_from_date_parsing": lambda e: "应为带时区的时间（如 2026-03-01T09:30:00+08:00）",
    "datetime_object_invalid": lambda e: "时间无效",
    "timezone_aware": lambda e: "时间应带时区（如 +08:00）",
    "timezone_naive": lambda e: "时间不应带时区",
    "uuid_type": lambda e: "应为 UUID",
    "uuid_parsing": lambda e: "应为 UUID（如 123e4567-e89b-12d3-a456-426614174000）",
    "enum": lambda e: f"取值无效，允许的值：{_ctx(e, 'expected')}",
    "literal_error": lambda e: f"取值无效，允许的值：{_ctx(e, 'expected')}",
    "string_unicode": lambda e: "应为有效的 UTF-8 文本",
    "bytes_type": lambda e: "应为文本",
    "recursion_loop": lambda e: "嵌套层次过深",
}


def chinese_message(error: Mapping[str, Any]) -> str:
    """The Chinese sentence for one pydantic error (`ValidationError.errors()` item)."""
    message = str(error.get("msg", ""))
    if _CJK.search(message):
        return message.removeprefix("Value error, ")
    translate = MESSAGES.get(str(error.get("type", "")))
    if translate is not None:
        return translate(error)
    return f"输入有误（{error.get('type', 'invalid')}）"
