"""Transactions on the inventory context's own database alias (see modulith.transactions)."""

from modulith.transactions import ContextDatabase

inventory_database = ContextDatabase("inventory")
alias = inventory_database.alias
atomic = inventory_database.atomic
