"""Transactions on the catalog context's own database alias (modulith.contexts.transactions)."""

from modulith.contexts.transactions import ContextDatabase

catalog_database = ContextDatabase("catalog")
alias = catalog_database.alias
atomic = catalog_database.atomic
