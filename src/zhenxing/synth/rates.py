"""Every rate the synthetic Dali is drawn from, in one table, with where it comes from.

"Plan" figures are the baseline facts at the end of POLICY.md (the Dali plan); "estimate" figures are this
project's own assumptions, chosen to be plausible for rural Yunnan and to reproduce the plan's aggregates.
Nothing here is real data about a real household.
"""

from __future__ import annotations

# --- population (plan) ----------------------------------------------------------------------------------
TUOPIN_HOUSEHOLDS = 109_500  # plan: 10.95万 registered households (2014 建档立卡)
TUOPIN_PEOPLE = 420_800  # plan: 42.08万 people
RURAL_POPULATION = 2_000_000  # estimate: Dali ~3.3 million residents, a little over half rural (configurable)
RELOCATED_HOUSEHOLDS = 4_466  # plan: 17,911 people / 4,466 households relocated
RELOCATED_EXTRA_MEMBER = 0.17  # estimate: relocated households are larger (4.01 people against 3.84)
RESETTLEMENT_SITES = 168  # plan: 168 集中安置区
MINORITY_SHARE_TUOPIN = 0.5957  # plan: 59.57% of the poor from ethnic minorities

# Household sizes (estimate), tuned to the plan's 3.84 people per 脱贫户 and ~3.2 for other rural households.
SIZE_WEIGHTS_TUOPIN = {1: 0.06, 2: 0.14, 3: 0.20, 4: 0.27, 5: 0.20, 6: 0.09, 7: 0.04}
SIZE_WEIGHTS_ORDINARY = {1: 0.10, 2: 0.22, 3: 0.26, 4: 0.25, 5: 0.11, 6: 0.06}

# Where 脱贫户 live (estimate; the plan gives no per-county figures): weight = villages × 1.6 in the 7
# 重点帮扶县, villages × 1.0 in the other 4 脱贫县, 0 in 大理市. Other households: weight = villages.
KEY_COUNTY_WEIGHT = 1.6
OTHER_TUOPIN_COUNTY_WEIGHT = 1.0
NATURAL_VILLAGES_PER_VILLAGE = 10  # plan: 12,159 natural villages under 1,151 villages ≈ 10.5

# --- ethnicity (estimate, matching the plan's minority share among the poor) ---------------------------
ETHNICITY_TUOPIN = {
    "汉族": 0.4043,
    "白族": 0.30,
    "彝族": 0.20,
    "回族": 0.03,
    "傈僳族": 0.025,
    "苗族": 0.015,
    "其他": 0.0257,
}
ETHNICITY_ORDINARY = {
    "汉族": 0.52,
    "白族": 0.33,
    "彝族": 0.10,
    "回族": 0.03,
    "傈僳族": 0.008,
    "苗族": 0.004,
    "其他": 0.008,
}
OTHER_ETHNICITIES = ("纳西族", "藏族", "傣族", "阿昌族", "壮族")

# --- health and disability (estimate; China's disability prevalence is about 6.3%) ---------------------
CHRONIC_BASE, CHRONIC_PER_YEAR_OF_AGE = 0.02, 0.0035
SERIOUS_BASE, SERIOUS_PER_YEAR_OF_AGE = 0.004, 0.0004
DISABILITY_RATE = {"脱贫户": 0.08, "一般农户": 0.055}
DISABILITY_CATEGORY_WEIGHTS = {4: 0.40, 2: 0.20, 1: 0.12, 7: 0.10, 5: 0.08, 6: 0.08, 3: 0.02}
DISABILITY_GRADE_WEIGHTS = {1: 0.10, 2: 0.20, 3: 0.35, 4: 0.35}

# --- labour and work (estimate) --------------------------------------------------------------------------
LABOUR_WORKING_AGE = {"普通劳动力": 0.78, "技能劳动力": 0.12, "弱劳动力或半劳动力": 0.07, "丧失劳动力": 0.03}
LABOUR_65_74 = {"弱劳动力或半劳动力": 0.40, "普通劳动力": 0.20, "无劳动力": 0.40}
LABOUR_75_PLUS = {"无劳动力": 0.80, "丧失劳动力": 0.20}
WORKING_SHARE = {"脱贫户": 0.80, "一般农户": 0.82}
WORK_PLACE_WEIGHTS = {"乡镇内": 0.30, "乡镇外县内": 0.25, "县外省内": 0.25, "省外": 0.20}
WELFARE_JOB_RATE = {"脱贫户": 0.03, "一般农户": 0.002}
HIGH_SCHOOL_ENROLMENT = 0.85  # ages 15-17
TERTIARY_ENROLMENT = 0.40  # ages 18-21
DROPOUT_RATE = 0.002  # ages 6-15

# --- social security (estimate) ---------------------------------------------------------------------------
DIBAO_HOUSEHOLD_RATE = {"脱贫户": 0.12, "一般农户": 0.02}
RESIDENT_INSURANCE_RATE = 0.992
EMPLOYEE_INSURANCE_RATE = 0.005
PENSION_RATE = 0.85

# --- income (plan + estimate) ------------------------------------------------------------------------------
# Plan: mean 脱贫户 per-capita net income 10,738 in 2020, 生产经营性 share 29.89%. Other rural households:
# estimate from the plan's rural disposable income per head (13,645 in 2020).
MEAN_INCOME_2020 = {"脱贫户": 10_738.0, "一般农户": 14_600.0}
BUSINESS_SHARE = 0.2989
PROPERTY_SHARE, TRANSFER_SHARE = 0.03, 0.14
BUSINESS_COST_RATIO = 0.35  # cost as a share of net business income (gross = net × 1.35)
INCOME_GROWTH = 0.09  # estimate: yearly growth of rural incomes after 2020 (configurable: --growth)
# Calibration: the share of people below the 2020 demo line by the income test, so that together with the
# sudden-hardship test about 3.5万 people are in range in 2020 (plan: 14,331 脱贫不稳定 + 21,065 边缘易致贫).
BELOW_LINE_SHARE_2020 = {"脱贫户": 0.024, "一般农户": 0.0085}

# Lines for years without a stored parameter: DEMO values, not policy — used only to calibrate and report.
DEMO_LINES = {2020: 5_000, 2021: 6_000, 2022: 6_500, 2024: 8_400}

# --- expenses and shocks (estimate) ------------------------------------------------------------------------
MEDICAL_COST_IF_ILL = (0.25, 1_500.0)  # probability, mean yuan (lognormal) for a household with a sick member
SERIOUS_ILLNESS_COST = 6_000.0
EDUCATION_COST_PER_STUDENT = (800.0, 2_500.0)  # uniform, yuan, non-compulsory students
REHABILITATION = (0.2, 1_500.0)
ACCIDENT_RATE, ACCIDENT_COST = 0.004, (5_000.0, 30_000.0)
DISASTER_RATE, DISASTER_COST = 0.01, (2_000.0, 20_000.0)
DISASTER_KIND_WEIGHTS = {
    "洪涝": 0.30,
    "地质": 0.25,
    "旱灾": 0.15,
    "气象": 0.15,
    "地震": 0.10,
    "生物": 0.03,
    "其他": 0.02,
}
INSURANCE_PAYOUT_SHARE = (0.4, 0.5)  # probability a medical or accident cost is partly paid back, share paid
INDUSTRY_FAILURE_RATE = 0.003
HOUSING_GRADE_WEIGHTS = {"A": 0.80, "B": 0.193, "C": 0.005, "D": 0.002}
WATER_PROBLEM_RATE = 0.005

# --- the project library (P14; all estimates: the plan gives no project counts) -----------------------------
# `zhenxing generate` adds PROJECT_YEARS years of projects (this year and the four before) to the 12 counties,
# PROJECTS_PER_YEAR a year at scale 1 (× --scale, or --projects-per-year), placed in villages at random (a
# county's share follows its number of villages). Codes follow the services' `<county><year><4 digits>`.
PROJECTS_PER_YEAR = 2_000  # estimate: ~170 per county a year (county 巩固衔接 plans list 100-300)
PROJECT_YEARS = 5
PROJECT_LEVEL_WEIGHTS = {"village": 0.70, "township": 0.15, "county": 0.15}
# category groups (catalogue codes in projects/catalogue.py); within a group, codes by the inner weights
PROJECT_CATEGORY_WEIGHTS = {
    "industry_planting": 0.17, "industry_breeding": 0.12, "industry_processing": 0.07,  # 产业发展 45 %
    "industry_tourism": 0.04, "industry_facilities": 0.05,
    "employment_subsidy": 0.04, "employment_training": 0.03, "employment_public_jobs": 0.03,  # 就业 10 %
    "construction_roads": 0.12, "construction_water": 0.08, "construction_environment": 0.06,  # 乡村建设 30 %
    "construction_services": 0.04,
    "relocation_support": 0.04, "three_guarantees": 0.04, "governance": 0.03,  # others 15 %
    "management_fee": 0.02, "other": 0.02,
}  # fmt: skip
# planned total investment, 万元: lognormal (median, σ) clipped to (low, high), by level; rounded to 100 元
PROJECT_AMOUNT_WAN = {
    "village": (70.0, 0.6, 20.0, 300.0),
    "township": (180.0, 0.6, 50.0, 1_000.0),
    "county": (450.0, 0.7, 100.0, 5_000.0),
}
# fund sources: central 衔接资金 carries most (its share uniform in this range); the rest goes to 1-3 of the
# other sources by these weights
PROJECT_CENTRAL_SHARE = (0.55, 0.95)
PROJECT_OTHER_SOURCE_WEIGHTS = {
    "province": 0.30, "county": 0.20, "integrated": 0.20, "prefecture": 0.08, "east_west": 0.08,
    "self_raised": 0.07, "social": 0.05, "bonds": 0.02,
}  # fmt: skip
PROJECT_CENTRAL_ONLY = 0.25  # share of projects funded by the central 衔接资金 alone
PROJECT_TO_HOUSEHOLDS = 0.10  # 到户 (industry and employment projects of a village with registry households)
PROJECT_HOUSEHOLDS = (5, 40)  # households listed by a 到户 project (fewer if the village has fewer)
PROJECT_EMERGENCY = 0.03  # county-level 应急 projects (灾情 mostly)
PROJECT_EMERGENCY_KIND_WEIGHTS = {"disaster": 0.8, "epidemic": 0.1, "other": 0.1}
PROJECT_WITHDRAWN = 0.05  # 出库, of the projects that reached the library
PROJECT_ADJUSTED = 0.05  # 项目调整: a second version in the library, the first kept as 已调整
PROJECT_LATE = 0.20  # of the current year's projects at a review step: their step is past its due day
PROJECT_FILED = 0.9  # emergency projects already filed with the prefecture (州级备案)
# where a year's projects stand today, by the year's age (0 = this year); 出库 and 已调整 come on top
PROJECT_STATUS_BY_AGE = {
    0: {
        "proposed": 0.12, "township_review": 0.12, "department_review": 0.12, "county_review": 0.10,
        "prefecture_decision": 0.10, "returned": 0.04, "cancelled": 0.02, "reserved": 0.14, "started": 0.08,
        "building": 0.12, "completed": 0.04,
    },
    1: {"reserved": 0.03, "started": 0.05, "building": 0.15, "completed": 0.20, "accepted": 0.30, "handed_over": 0.27},
    2: {"building": 0.03, "completed": 0.07, "accepted": 0.25, "handed_over": 0.65},
    3: {"completed": 0.03, "accepted": 0.15, "handed_over": 0.82},
    4: {"accepted": 0.10, "handed_over": 0.90},
}  # fmt: skip

# --- linkage funds (P14; all estimates: the plan gives no ledger figures) -----------------------------------
# `zhenxing generate` adds, right after the projects, the fund ledger of each project year (synth/funds.py):
# allocation documents, the splits of their lines to the county's library projects, payments over the year,
# reversals, and a few projects leaving the library through the project workflow (出库 / 终止).
# Only the four 衔接资金 sources come in allocation documents; the others (整合, 债券, 东西部协作 …) do not.
FUND_SOURCES = ("central", "province", "prefecture", "county")
# a line = what the county's library projects of the year plan from the source × a margin drawn uniform here:
# 0-12 % of each line stays unsplit (waiting for projects)
FUND_LINE_MARGIN = (1.00, 1.12)
# the central money in two documents: a 提前下达 one issued in November of the year before (this share of the
# line), the rest in the year's main document; both, and the province's, list all 12 counties in one document
FUND_CENTRAL_ADVANCE = 0.60
# issuing dates (month, day) in the budget year (the advance one: of the year before); ± FUND_ISSUE_JITTER days
FUND_ISSUE_DATES = {
    "central_advance": (11, 20), "central": (4, 15), "province": (5, 10), "prefecture": (6, 5), "county": (3, 20),
}  # fmt: skip
FUND_ISSUE_JITTER = 10
# share of (library project, source) pairs given their full planned amount of the source; the rest nothing yet
FUND_SPLIT_SHARE = 0.92
# of this year's splits, a share still proposed by the county's 乡村振兴局, waiting for the finance bureau
FUND_PROPOSED_SHARE = 0.03
# paid so far, as a share of the split, at most (by the project's status today: no money before work starts)
FUND_PAID_CAP_BY_STATUS = {
    "reserved": 0.0, "started": 0.30, "building": 0.70, "completed": 0.90, "accepted": 1.0, "handed_over": 1.0,
}  # fmt: skip
# cumulative share of a split paid by the end of each quarter's last month of its budget year (on-time counties;
# close to the shipped fund_schedule parameter: 20 % by March, 50 % June, 75 % September, 100 % December), the
# rest paid in the first half of the next year; one payment per quarter, on a day drawn within the quarter
FUND_PAID_BY_MONTH = {3: 0.15, 6: 0.45, 9: 0.75, 12: 0.95}
# late counties (drawn by the seed): within the budget year they pay this share of the schedule, and catch up
# in the first half of the next year
FUND_LATE_COUNTIES = 3
FUND_LATE_FACTOR = 0.60
# payments reversed (冲销, a negative entry with its reason), half in full and half in part; the reversed amount
# is paid again a few days later to the right payee or with the right voucher
FUND_REVERSAL_SHARE = 0.02
FUND_REVERSAL_FULL = 0.5
FUND_REVERSAL_REASONS = (
    "收款单位账号有误，原路退回后重新支付", "凭证摘要与合同不符，冲销后按合同重新支付", "重复支付，冲销多付部分",
    "审计整改：超进度拨付部分冲回",
)  # fmt: skip
# projects leaving the library through the workflow (projects.services.project_move): of the split projects of
# past years not yet 验收 (储备, 开工, 在建, 竣工: the states the workflow lets leave), a share is 出库 before
# anything is paid (its splits return to the lines) and a share is 终止 after its first payments (the unpaid
# part 收回)
FUND_LEAVE_STATES = ("reserved", "started", "building", "completed")
FUND_WITHDRAWN = 0.06
FUND_TERMINATED = 0.06

# --- project assets and collective incomes (P15, P11; estimates unless marked plan) --------------------------
# `zhenxing generate` adds, right after the fund ledger, the assets of the synthetic 验收 and 资产移交 projects
# (synth/assets.py, drawn in synth/asset_drafts.py). Values come only from what a project was paid (its
# payments by source, net of reversals): a project paid nothing gets no asset.
# asset types by project category (codes of assets/catalogue.py; estimate: the usual output of each category);
# a category not listed (training, subsidies, 管理费) forms no asset; 到户 projects form household assets instead
ASSET_TYPES_BY_CATEGORY = {
    "construction_roads": ("road", "road", "bridge"),
    "construction_water": ("water_supply", "water_supply", "irrigation"),
    "construction_environment": ("sanitation",),
    "construction_services": ("activity_venue", "clinic"),
    "three_guarantees": ("school", "clinic"),
    "governance": ("activity_venue",),
    "relocation_support": ("shop_premises", "production_base"),
    "industry_planting": ("production_base", "cold_storage", "photovoltaic"),
    "industry_breeding": ("production_base", "cold_storage"),
    "industry_processing": ("processing", "cold_storage", "photovoltaic"),
    "industry_tourism": ("tourism_facility",),
    "industry_facilities": ("cold_storage", "photovoltaic", "production_base"),
    "other": ("activity_venue",),
}  # fmt: skip
HOUSEHOLD_ASSET_TYPES = ("livestock", "farm_equipment", "seedlings")  # 到户: one asset per listed household
ASSETS_PER_PROJECT = (1, 3)  # estimate: uniform, a project's assets (not 到户)
# the share of what was paid that becomes assets (estimate: the rest is 管理费, design, training …); the assets'
# values never pass what was paid, by source (P15; policy.rules.assets.shares_of_value)
ASSET_VALUE_SHARE = (0.80, 1.00)
# accepted (验收) projects (estimate): a share not registered yet (the county's queue), a share only registered,
# a share 确权 and a share with some assets 移交 (never all: the last 移交 moves the project to 资产移交)
ASSET_ACCEPTED_STAGES = {"not_yet": 0.30, "registered": 0.30, "owned": 0.25, "partly_handed_over": 0.15}
ASSET_HANDOVER_DAYS = (20, 120)  # 验收 → 移交, days (estimate)
ASSET_NO_CARE_UNIT = (
    0.03  # handed over without a 管护责任单位 (estimate: the data-quality list has something)
)
# inspections (P15: at least once a year — asset_care's 365 days): a share of the handed-over assets overdue
# (the last inspection more than a year ago), and the latest inspection's finding (estimate; audit reports name
# idle and under-used assets as the usual finding)
ASSET_INSPECTION_OVERDUE = 0.12
ASSET_CONDITION_WEIGHTS = {"good": 0.85, "idle": 0.06, "underused": 0.06, "damaged": 0.03}
# operating assets in use earn a yearly income from the year after 移交: value × a yield uniform in this range
# (estimate: rents and dividends of 3-8 % of the investment are what county reports cite)
ASSET_INCOME_YIELD = (0.03, 0.08)
# disposals (estimate): of the damaged assets, this share scrapped with approval (报废, 乡镇 → 行业部门), and
# per county one more application waiting for the township
ASSET_SCRAPPED_OF_DAMAGED = 0.5
# income-distribution plans (P15 四议两公开; estimate): per county, this many villages with operating income
# get a plan, their steps spread over the workflow; payouts to 6-20 heads of households of the village
ASSET_PLANS_PER_COUNTY = 3
ASSET_PLAN_PAYOUTS = (6, 20)
# 村级集体经济收入 (P11) for every village in these years: the 2020 tier of a village with 脱贫户 drawn from the
# plan's counts (15 / 546 / 309 / 274 of 1,144: policy.rules.assets.PLAN_2020_TIERS), of the others from these
# weights (estimate: villages without 脱贫 population are richer); then a yearly growth factor uniform in this
# range (estimate), so that the tiers drift upward
COLLECTIVE_YEARS = (2020, 2025)
COLLECTIVE_OTHER_TIER_WEIGHTS = (0.01, 0.30, 0.34, 0.35)
COLLECTIVE_GROWTH = (0.00, 0.22)
# within a tier the amount is uniform between these bounds, 元 (the parameter's bounds 2万/5万/10万; the top
# tier's ceiling is an estimate)
COLLECTIVE_TIER_RANGES = ((3_000, 19_999), (20_000, 49_999), (50_000, 99_999), (100_000, 300_000))
