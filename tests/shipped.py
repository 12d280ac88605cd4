"""What the migrations ship, put back for tests that flush tables (transactional and browser tests): the division
tree, the yearly parameters, the default screening rules, the working-day calendar, the county sectors, the
project category catalogue, the asset-type catalogue, the P12 indicators and the statistics template. One definition for the shipped_data fixture and the browser smoke world."""

from __future__ import annotations


def shipped_data_ensure() -> None:
    from zhenxing.accounts.models import Sector
    from zhenxing.accounts.sectors import ship_sectors
    from zhenxing.assets.catalogue import ship_asset_types
    from zhenxing.assets.models import AssetType
    from zhenxing.common.calendar import calendar_load
    from zhenxing.common.models import CalendarDay, CalendarYear
    from zhenxing.divisions.models import Division
    from zhenxing.divisions.services import divisions_load
    from zhenxing.planning.catalogue import ship_indicators, ship_template
    from zhenxing.planning.models import Indicator, IndicatorTarget, StatsTemplate
    from zhenxing.policy.models import Parameter
    from zhenxing.policy.shipped import ship_parameters
    from zhenxing.projects.catalogue import ship_catalogue
    from zhenxing.projects.models import ProjectCategory
    from zhenxing.screening.models import Rule, RuleSet
    from zhenxing.screening.rules import ship_default_rules

    if not Division.objects.exists():
        divisions_load(actor=None)
    ship_parameters(Parameter)
    ship_default_rules(RuleSet, Rule)
    calendar_load(CalendarDay, CalendarYear)
    ship_sectors(Sector)
    ship_catalogue(Sector, ProjectCategory)
    ship_asset_types(Sector, AssetType)
    ship_indicators(Indicator, IndicatorTarget, Sector)
    ship_template(StatsTemplate)
