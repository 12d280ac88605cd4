from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhenxing.projects"
    verbose_name = "项目库"
