from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "zhenxing.policy"
    label = "policy"
    verbose_name = "政策参数与规则"
