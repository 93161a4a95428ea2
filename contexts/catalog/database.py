"""Transactions on the catalog context's own database alias (see modulith.transactions)."""

from modulith.transactions import ContextDatabase

catalog_database = ContextDatabase("catalog")
alias = catalog_database.alias
atomic = catalog_database.atomic
