"""The national collection form's value lists (P1) and the policy's own lists (P5-P7), in their order.

Every list here is the one place its values are spelled; the registry, the contract and the rules import them.
"""

from __future__ import annotations

HOUSEHOLD_KINDS = ("脱贫户", "一般农户")
TUOPIN_HOUSEHOLD, ORDINARY_HOUSEHOLD = HOUSEHOLD_KINDS

RELATIONS = (
    "户主", "配偶", "之子", "之女", "之儿媳", "之女婿", "之孙子", "之孙女", "之外孙子", "之外孙女", "之父", "之母",
    "之岳父", "之岳母", "之公公", "之婆婆", "之祖父", "之祖母", "之外祖父", "之外祖母", "之兄弟姐妹", "之曾孙子",
    "之曾孙女", "之侄儿", "之侄女", "之兄弟媳妇", "之叔伯", "其他",
)  # fmt: skip

EDUCATION_LEVELS = ("文盲或半文盲", "小学", "初中", "高中", "大专", "本科及以上")

SCHOOLING = (
    "学龄前儿童", "学前教育", "小学", "七年级", "八年级", "九年级",
    "普通高中一年级", "普通高中二年级", "普通高中三年级",
    "中职一年级", "中职二年级", "中职三年级",
    "高职高专一年级", "高职高专二年级", "高职高专三年级",
    "技师学院一年级", "技师学院二年级", "技师学院三年级", "技师学院四年级",
    "本科一年级", "本科二年级", "本科三年级", "本科四年级", "本科五年级", "硕士研究生及以上",
)  # fmt: skip
# P6 因学: non-compulsory schooling.
NON_COMPULSORY_SCHOOLING_PREFIXES = ("普通高中", "中职", "高职高专", "技师学院", "本科", "硕士研究生及以上")

HEALTH_STATES = ("健康", "长期慢性病", "患有大病", "残疾")
SERIOUS_ILLNESS, CHRONIC_ILLNESS = "患有大病", "长期慢性病"

DISABILITY_CATEGORIES = {1: "视力", 2: "听力", 3: "言语", 4: "肢体", 5: "智力", 6: "精神", 7: "多重"}
DISABILITY_GRADES = (1, 2, 3, 4)  # 1 most severe

LABOUR_CAPACITIES = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
FULL_LABOUR = ("普通劳动力", "技能劳动力")
WEAK_LABOUR = "弱劳动力或半劳动力"

WORK_PLACES = ("乡镇内", "乡镇外县内", "县外省内", "省外")
OUTSIDE_COUNTY = ("县外省内", "省外")

HOUSING_GRADES = ("A", "B", "C", "D")
UNSAFE_HOUSING_GRADES = ("C", "D")

DISASTER_KINDS = ("洪涝", "地质", "旱灾", "生物", "气象", "地震", "其他")

MONITORING_TYPES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
UNSTABLE_TUOPIN, MARGINAL, SUDDEN_HARDSHIP = MONITORING_TYPES

# P6, in the order a form keeps them.
RISK_TYPES = (
    "因病", "因残", "因学", "因自然灾害", "因意外事故", "因产业项目失败", "因务工就业不稳", "缺劳动力",
    "住房出现安全问题", "义务教育阶段失学辍学", "饮水安全问题", "其他",
)  # fmt: skip
FORM_RISK_TYPE_LIMIT = 5

# P7 catalogue, in its order; 扶志扶智 is a tag, not a measure.
MEASURES = (
    "产业帮扶", "就业帮扶", "金融帮扶", "公益岗位帮扶", "健康帮扶", "义务教育保障", "其他教育帮扶", "综合保障",
    "住房安全保障", "饮水安全保障", "社会帮扶", "搬迁", "生产生活条件改善", "基础设施建设",
)  # fmt: skip
MEASURE_TAGS = ("扶志扶智",)
DEVELOPMENT_MEASURES = ("产业帮扶", "就业帮扶", "金融帮扶", "公益岗位帮扶")
IMPLEMENTED_MEASURE_STATES = ("实施中", "已完成")
