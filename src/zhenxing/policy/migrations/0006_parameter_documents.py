"""Shipped parameters named this project's spec file (POLICY.md P8...) as their source: they now name the
issuing document, and say where none was seen. Only rows still carrying the shipped text change; the value,
version and history stay, since the text corrects provenance, not the rule."""

from django.db import migrations

# (kind, shipped text, the document it names) — frozen here: shipped.py may change later
RENAMES = [
    (
        "elimination_min_months",
        "POLICY.md P9（默认值，可配置）",
        "《大理州“十四五”巩固拓展脱贫攻坚成果同乡村振兴有效衔接规划》(2023)（风险消除：帮扶成效评议、知情同意、实地调查公示、逐级审定）；监测满6个月方可消除为通行做法，未见正式文件",
    ),
    (
        "step_deadlines",
        "POLICY.md P8（默认时限；全程20个工作日取自海南规定，大理规定未核实；申报10日未办结上报乡镇、县，依云南省政府救助平台规则）",
        "《大理州“十四五”巩固拓展脱贫攻坚成果同乡村振兴有效衔接规划》(2023)（识别程序：群众自主申报、综合分析研判、实地调查、评议公示、乡镇审核、县级确定）；各环节时限为默认值，全程20个工作日取自海南省规定，大理规定未核实；申报10日未办结上报乡镇、县，依云南省政府救助平台规则",
    ),
    (
        "screening_windows",
        "POLICY.md P10（一月一排查；村20日前、乡镇25日前、县月底前；15日后线索并入下月）",
        "《大理州“十四五”巩固拓展脱贫攻坚成果同乡村振兴有效衔接规划》(2023)（定期排查、部门筛查预警）；一月一排查，村20日前、乡镇25日前、县月底前核查，15日后线索并入下月，为县级通行做法，未见正式文件",
    ),
    (
        "assistance_checks",
        "POLICY.md P7（识别1个月后无已实施开发式措施提示、6个月后报错）、P9（定期评估，默认每季度）",
        "《大理州“十四五”巩固拓展脱贫攻坚成果同乡村振兴有效衔接规划》(2023)（有劳动力的坚持开发式帮扶；逐户开展帮扶成效综合分析研判）；识别1个月后无已实施开发式措施提示、6个月后报错、每季度评估，为本系统默认值",
    ),
    (
        "notice_risk_types",
        "POLICY.md P17（公示不显示风险类型：因病、因残属健康信息；县可申请开启）",
        "2026年中央一号文件（实施常态化精准帮扶）及农业农村部2026年2月实施意见（报道所见，未核实）；公示不显示因病、因残等健康信息，县可申请开启",
    ),
]


def rename(apps, schema_editor):  # type: ignore[no-untyped-def]
    parameter = apps.get_model("policy", "Parameter")
    for kind, shipped, document in RENAMES:
        parameter.objects.filter(kind=kind, document=shipped).update(document=document)


def restore(apps, schema_editor):  # type: ignore[no-untyped-def]
    parameter = apps.get_model("policy", "Parameter")
    for kind, shipped, document in RENAMES:
        parameter.objects.filter(kind=kind, document=document).update(document=shipped)


class Migration(migrations.Migration):
    dependencies = [("policy", "0005_notice_risk_types")]
    operations = [migrations.RunPython(rename, restore)]
