from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "zhenxing.funds"
    verbose_name = "衔接资金"

    def ready(self) -> None:
        # the project library's 出库 and 终止 settle a project's money through this app (projects/settlement.py)
        from zhenxing.funds.settlement import FundLedgerSettlement
        from zhenxing.projects.settlement import install

        install(FundLedgerSettlement())
