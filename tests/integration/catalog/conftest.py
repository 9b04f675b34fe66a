"""Catalog test helpers live in tests/support/catalog.py; the fixture in tests/integration."""

from tests.integration.conftest import catalog
from tests.support.catalog import CatalogHandle

__all__ = ["CatalogHandle", "catalog"]
