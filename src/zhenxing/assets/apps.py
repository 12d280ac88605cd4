from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "zhenxing.assets"
    verbose_name = "项目资产"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from zhenxing.assets.dbguard import register_function

        # SQLite's delete trigger asks this connection whether the test suite permits a flush (dbguard.py)
        connection_created.connect(register_function, dispatch_uid="assets_delete_guard")
        # the project library's 资产移交 asks this register whether all of a project's assets are handed over
        from zhenxing.assets.selectors import project_asset_counts
        from zhenxing.projects.asset_register import install

        class _Register:
            def counts(self, project):  # type: ignore[no-untyped-def]
                return project_asset_counts(project)

        install(_Register())

        # the household page and its 责任追溯 show the 到户类 assets a household owns
        from zhenxing.assets.household import household_asset_records
        from zhenxing.registry.household_extras import install as install_household_extra

        install_household_extra("assets", household_asset_records)
