"""An asset never leaves the register by a DELETE (P15: only by an approved disposal, recorded): the database
refuses raw SQL on PostgreSQL and on SQLite, the ORM refuses, and the admin offers no delete. On SQLite the suite
permits deletes for its table flushes (tests/conftest.py, assets/dbguard.py); these tests take the permission
away and put it back."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import RequestFactory

from tests.assets.builders import accepted_project, asset_input, asset_users, registered
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.assets import dbguard, services
from zhenxing.assets.models import Asset, AssetFundShare, AssetType
from zhenxing.common import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def deletes_forbidden() -> Iterator[None]:
    dbguard.permit_deletes(False)
    try:
        yield
    finally:
        dbguard.permit_deletes(True)


@pytest.fixture
def road(db: None) -> Asset:
    users = asset_users()
    (asset,) = registered(users, accepted_project(users))
    return asset


def _raw_delete(table: str, pk: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed table names


def test_p15_the_database_refuses_a_raw_delete_of_an_asset(road: Asset, deletes_forbidden: None) -> None:
    with pytest.raises(IntegrityError, match="项目资产不能删除"):
        _raw_delete("assets_asset", road.pk)
    assert Asset.objects.filter(pk=road.pk).exists()


def test_p15_the_database_refuses_a_raw_delete_of_a_fund_share(road: Asset, deletes_forbidden: None) -> None:
    share = AssetFundShare.objects.filter(asset=road).first()
    assert share is not None
    with pytest.raises(IntegrityError, match="项目资产不能删除"):
        _raw_delete("assets_assetfundshare", share.pk)
    assert AssetFundShare.objects.filter(pk=share.pk).exists()


def test_p15_the_orm_refuses_to_delete_an_asset_with_its_shares(road: Asset, deletes_forbidden: None) -> None:
    with pytest.raises(ProtectedError), transaction.atomic():
        road.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Asset.objects.filter(pk=road.pk).delete()
    assert Asset.objects.filter(pk=road.pk).exists()


def test_p15_the_orm_delete_of_an_asset_without_related_rows_reaches_the_trigger(
    deletes_forbidden: None,
) -> None:
    # an older asset entered with its document and no known source has no share to protect it: the trigger does
    users = asset_users()
    data = asset_input(natural_village="", source_document="南发改〔2015〕3号",
                       formed_on=clock.today() - datetime.timedelta(days=3000))  # fmt: skip
    asset = services.asset_enter_legacy(actor=users["county"], data=data)
    assert not asset.shares.exists()
    with pytest.raises(IntegrityError, match="项目资产不能删除"), transaction.atomic():
        asset.delete()
    assert Asset.objects.filter(pk=asset.pk).exists()


def test_p15_the_admin_offers_no_delete_of_an_asset_or_an_asset_type(road: Asset) -> None:
    request = RequestFactory().get("/admin/")
    request.user = make_user(Role.ADMIN, username="a_admin")
    for model in (Asset, AssetType):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_delete_permission(request)
        assert not model_admin.has_delete_permission(request, road if model is Asset else road.asset_type)
        assert "delete_selected" not in model_admin.get_actions(request)
    asset_admin = admin.site._registry[Asset]
    assert not asset_admin.has_add_permission(request)
    assert not asset_admin.has_change_permission(request, road)
    # the catalogue is kept by the administrator: types are added and retired, not deleted
    assert admin.site._registry[AssetType].has_change_permission(request, road.asset_type)
