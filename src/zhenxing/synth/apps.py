from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "zhenxing.synth"
    label = "synth"
    verbose_name = "合成数据"
