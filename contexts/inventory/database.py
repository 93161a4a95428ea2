"""Transactions on the inventory context's own database alias (modulith.contexts.transactions)."""

from modulith.contexts.transactions import ContextDatabase

inventory_database = ContextDatabase("inventory")
alias = inventory_database.alias
atomic = inventory_database.atomic
