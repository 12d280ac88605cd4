"""The project page's 绩效目标 results block: whether the viewer may record them (projects/targets.py), asked
from the template so that the project page's view stays as it is."""

from __future__ import annotations

from typing import Any

from django import template

from zhenxing.projects.models import Project
from zhenxing.projects.targets import RESULT_STATES, results_refusal

register = template.Library()


@register.simple_tag(takes_context=True)
def target_results_block(context: dict[str, Any], project: Project) -> dict[str, bool]:
    """show: the work is done, so its results are asked for; may_record: the viewer may record them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    done = project.status in RESULT_STATES
    return {
        "show": done,
        "may_record": bool(done and user is not None and results_refusal(user, project) is None),
    }
