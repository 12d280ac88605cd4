"""The project category catalogue shipped with the system (P14), with the category → sector map; data, kept in
ProjectCategory, which an administrator extends in the admin. (code, group, name, sector code, 联农带农, 产业)"""

SHIPPED_CATEGORIES: list[tuple[str, str, str, str, bool, bool]] = [
    ("industry_planting", "产业发展", "种植", "agriculture", True, True),
    ("industry_breeding", "产业发展", "养殖", "agriculture", True, True),
    ("industry_processing", "产业发展", "加工流通", "agriculture", True, True),
    ("industry_tourism", "产业发展", "休闲农业与乡村旅游", "culture_tourism", True, True),
    ("industry_facilities", "产业发展", "配套设施", "agriculture", True, True),
    # P12 counts the cold-chain bases and e-commerce sites built each year from these (planning/computed)
    ("industry_cold_chain", "产业发展", "冷链物流", "agriculture", True, True),
    ("industry_ecommerce", "产业发展", "农村电商", "agriculture", True, True),
    ("employment_subsidy", "就业项目", "务工补助", "human_resources", True, False),
    ("employment_training", "就业项目", "就业培训", "human_resources", True, False),
    ("employment_public_jobs", "就业项目", "公益性岗位", "human_resources", True, False),
    ("construction_roads", "乡村建设行动", "道路", "transport", False, False),
    ("construction_water", "乡村建设行动", "供水", "water", False, False),
    ("construction_environment", "乡村建设行动", "人居环境", "housing", False, False),
    ("construction_services", "乡村建设行动", "公共服务", "development_reform", False, False),
    ("relocation_support", "易地搬迁后扶", "易地搬迁后扶", "development_reform", False, False),
    ("three_guarantees", "巩固三保障成果", "巩固三保障成果", "education", False, False),
    ("governance", "乡村治理和精神文明", "乡村治理和精神文明", "agriculture", False, False),
    ("management_fee", "项目管理费", "项目管理费", "rural_revitalization", False, False),
    ("other", "其他", "其他", "rural_revitalization", False, False),
]


def ship_catalogue(sector_model: type, category_model: type) -> None:
    """Insert the shipped categories that are missing (the data migration; tests that flush tables)."""
    sectors = {s.code: s for s in sector_model._default_manager.all()}  # type: ignore[attr-defined]
    for sort, (code, group, name, sector, linkage, industry) in enumerate(SHIPPED_CATEGORIES, start=1):
        category_model._default_manager.get_or_create(  # type: ignore[attr-defined]
            code=code,
            defaults={"group": group, "name": name, "sector": sectors[sector], "needs_linkage": linkage,
                      "is_industry": industry, "sort": sort},
        )  # fmt: skip
