"""Transactions on the orders context's own database alias (see modulith.transactions)."""

from modulith.transactions import ContextDatabase

orders_database = ContextDatabase("orders")
alias = orders_database.alias
atomic = orders_database.atomic
