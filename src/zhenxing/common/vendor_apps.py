"""Chinese names for the third-party apps in INSTALLED_APPS (the admin lists apps and models by these).

Each class keeps the vendor's label and behaviour and changes only what the admin shows. The vendors' model
names are relabelled on `_meta` at start-up: Django builds migrations from `_meta.original_attrs`, which
stays untouched, so no migration is asked of a package we do not own.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django_tasks.apps import TasksAppConfig
from django_tasks_db.apps import TasksAppConfig as TasksDbAppConfig


def _relabel(config: AppConfig, names: dict[str, str]) -> None:
    for model_name, label in names.items():
        meta = config.get_model(model_name)._meta
        meta.verbose_name = meta.verbose_name_plural = label


def name_listed_by_name() -> None:
    """ninja stays in INSTALLED_APPS as "ninja" (it looks for that string to serve its docs' static files),
    so it is named here, from CommonConfig.ready()."""
    from django.apps import apps

    apps.get_app_config("ninja").verbose_name = "接口框架"


class StaticFilesDevConfig(AppConfig):
    name = "whitenoise.runserver_nostatic"
    verbose_name = "开发服务器静态文件"


class AxesConfig(AxesAppConfig):
    verbose_name = "登录失败锁定"

    def ready(self) -> None:
        super().ready()
        _relabel(
            self,
            {
                "AccessAttempt": "登录失败记录",
                "AccessAttemptExpiration": "登录锁定到期时间",
                "AccessLog": "登录日志",
                "AccessFailureLog": "登录失败日志",
            },
        )


class TasksConfig(TasksAppConfig):
    verbose_name = "后台任务"


class TasksDatabaseConfig(TasksDbAppConfig):
    verbose_name = "后台任务队列"

    def ready(self) -> None:
        super().ready()
        _relabel(self, {"DBTaskResult": "后台任务记录"})
