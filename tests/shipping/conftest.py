"""Fixtures for the shipping tests: principals and clients (customer, staff, client_for) come
from tests/conftest.py; ClientFor is re-exported for the modules that import it from here."""

from __future__ import annotations

from tests.support.clients import ClientFor as ClientFor
