"""Fixtures of the policy page tests."""

from __future__ import annotations

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role

from ..conftest import COUNTY
from ..factories import make_user


@pytest.fixture
def county(client: Client) -> Client:
    """The test client signed in as a county officer of 南涧 (the P17 page tests read as one)."""
    client.force_login(make_user(Role.COUNTY, COUNTY))
    return client
