"""Transactions on the orders context's own database alias (modulith.contexts.transactions)."""

from modulith.contexts.transactions import ContextDatabase

orders_database = ContextDatabase("orders")
alias = orders_database.alias
atomic = orders_database.atomic
