"""The Django admin speaks Chinese: every installed app and every model is named in Chinese, and the
administrator reaches the audit log from the admin index (read-only)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_app_has_a_chinese_name() -> None:
    plain = [config.label for config in apps.get_app_configs() if not CJK.search(str(config.verbose_name))]
    assert not plain, (
        f"这些应用缺少中文名称（apps.py 的 verbose_name，第三方应用见 common/vendor_apps.py）：{plain}"
    )


def test_every_model_has_chinese_names() -> None:
    plain = [
        f"{model._meta.label}: {value}"
        for model in apps.get_models()
        for value in (model._meta.verbose_name, model._meta.verbose_name_plural)
        if not CJK.search(str(value))
    ]
    assert not plain, f"这些模型缺少中文 Meta.verbose_name / verbose_name_plural：{plain}"


def test_every_model_in_the_admin_is_listed_in_chinese() -> None:
    assert admin.site._registry
    for model in admin.site._registry:
        assert CJK.search(str(model._meta.verbose_name_plural)), model._meta.label


@pytest.mark.django_db
def test_admin_index_is_chinese_and_links_the_audit_log(admin_client: Client) -> None:
    # when
    html = admin_client.get("/admin/").content.decode()
    # then: the audit log is one click away and the app list has no English app names left
    assert 'href="/admin/audit/auditevent/"' in html and "审计事件" in html
    for english in ("Axes", "Access attempts", "Task Results", "Tasks Database Backend", "Django_Tasks"):
        assert english not in html, english
    assert admin_client.get("/admin/audit/auditevent/").status_code == 200
