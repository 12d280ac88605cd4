"""Sites of their own for tests that drive real processes (tests/sites.py)."""

from ..sites import pg_site_template, site  # noqa: F401 - fixtures
