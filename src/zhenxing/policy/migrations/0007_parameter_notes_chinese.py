"""Shipped parameters' notes were English working notes; the parameter page shows them, so they read in
Chinese now. Only rows still carrying the shipped text change."""

from django.db import migrations

# (shipped note, its Chinese text) — frozen here: shipped.py may change later
NOTES = [
    (
        "P4: partly verified — seen on a county page, taken as the provincial value.",
        "P4：部分核实——见于县级政府网站，作为全省标准使用。",
    ),
    ("P4: verified.", "P4：已核实。"),
    (
        "P4: later values are unverified and entered as data.",
        "P4：此后年度的标准未核实，由系统管理员依据文件录入。",
    ),
    (
        "P11: monitoring objects 180 every year; 脱贫户 not monitored 180/135/90/45/0 over 2021-2025.",
        "P11：监测对象每年资助180元；非监测对象的脱贫户2021至2025年依次为180、135、90、45、0元。",
    ),
    ("P9: monitored at least 6 months before risk elimination.", "P9：纳入监测满6个月方可标注风险消除。"),
    ("P11: 以上 includes the number itself.", "P11：“3个月以上”含3个月。"),
    ("P8: working days.", "P8：各环节以工作日计；申报未办结上报天数以自然日计。"),
    (
        "P10: the suppression window after a dismissal is this system's default (90 days).",
        "P10：排除后同规则暂停90天为本系统默认值。",
    ),
    (
        "P7 plan checks; the quarterly evaluation is this system's default.",
        "P7：帮扶计划检查；每季度评估为本系统默认值。",
    ),
    ("P11 village work teams.", "P11：驻村工作队配备。"),
    (
        "P11: below 2万; 2万-5万; 5万-10万; 10万 and above.",
        "P11：2万元以下；2万至5万元；5万至10万元；10万元以上。",
    ),
    (
        "P17: in force from the year given until a later row; list the county codes that turn it on.",
        "P17：自所填年度起执行，直到有更晚年度的设置；列出开启显示风险类型的县。",
    ),
]


def translate(apps, schema_editor):  # type: ignore[no-untyped-def]
    parameter = apps.get_model("policy", "Parameter")
    for english, chinese in NOTES:
        parameter.objects.filter(note=english).update(note=chinese)


def restore(apps, schema_editor):  # type: ignore[no-untyped-def]
    parameter = apps.get_model("policy", "Parameter")
    for english, chinese in NOTES:
        parameter.objects.filter(note=chinese).update(note=english)


class Migration(migrations.Migration):
    dependencies = [("policy", "0006_parameter_documents")]
    operations = [migrations.RunPython(translate, restore)]
