"""The asset-type catalogue shipped with the system (P15's examples; data: an administrator adds, renames or
retires types in the admin): code, name, category, supervising sector, unit."""

from __future__ import annotations

SHIPPED_ASSET_TYPES: list[tuple[str, str, str, str, str]] = [
    # 公益性: roads, water supply, schools, clinics …
    ("road", "村组道路", "public", "transport", "公里"),
    ("bridge", "桥梁", "public", "transport", "座"),
    ("water_supply", "饮水工程", "public", "water", "处"),
    ("irrigation", "农田水利设施", "public", "water", "处"),
    ("school", "学校校舍", "public", "education", "所"),
    ("clinic", "村卫生室", "public", "health", "所"),
    ("activity_venue", "村级活动场所", "public", "rural_revitalization", "处"),
    ("sanitation", "人居环境设施", "public", "housing", "处"),
    # 经营性: production bases, processing, cold storage, photovoltaic stations …
    ("production_base", "种植养殖基地", "operating", "agriculture", "个"),
    ("processing", "农产品加工厂房设备", "operating", "agriculture", "处"),
    ("cold_storage", "冷库（冷链设施）", "operating", "agriculture", "座"),
    ("photovoltaic", "光伏电站", "operating", "development_reform", "座"),
    ("tourism_facility", "乡村旅游设施", "operating", "culture_tourism", "处"),
    ("shop_premises", "商铺、厂房（出租）", "operating", "rural_revitalization", "处"),
    ("equity_share", "入股经营主体的股权", "operating", "agriculture", "份"),
    # 到户类: livestock, equipment, houses given to households
    ("livestock", "到户牲畜", "household", "agriculture", "头"),
    ("farm_equipment", "到户农机具", "household", "agriculture", "台"),
    ("seedlings", "到户种苗（经济林果）", "household", "agriculture", "亩"),
    ("house", "到户住房", "household", "housing", "套"),
]


def ship_asset_types(sector_model: type, asset_type_model: type) -> None:
    """Insert the shipped types that are missing (the data migration, with its historical models; tests that
    flush tables)."""
    for sort, (code, name, category, sector, unit) in enumerate(SHIPPED_ASSET_TYPES, start=1):
        found = sector_model._default_manager.filter(code=sector).first()  # type: ignore[attr-defined]
        if found is None:
            continue
        asset_type_model._default_manager.get_or_create(  # type: ignore[attr-defined]
            code=code,
            defaults={"name": name, "category": category, "sector": found, "unit": unit, "sort": sort},
        )
