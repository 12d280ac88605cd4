"""The county sectors shipped with the system (P14; data: an administrator adds or renames them in the admin)."""

SHIPPED_SECTORS: list[tuple[str, str]] = [
    ("agriculture", "农业农村"),
    ("water", "水利"),
    ("transport", "交通运输"),
    ("housing", "住房城乡建设"),
    ("education", "教育体育"),
    ("health", "卫生健康"),
    ("human_resources", "人力资源社会保障"),
    ("culture_tourism", "文化和旅游"),
    ("development_reform", "发展改革"),
    ("rural_revitalization", "乡村振兴"),
]


def ship_sectors(sector_model: type) -> None:
    """Insert the shipped sectors that are missing (the data migration, with its historical model; tests that
    flush tables)."""
    for sort, (code, name) in enumerate(SHIPPED_SECTORS, start=1):
        sector_model._default_manager.get_or_create(code=code, defaults={"name": name, "sort": sort})  # type: ignore[attr-defined]
