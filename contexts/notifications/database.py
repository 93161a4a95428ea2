"""Transactions on the notifications context's own database (modulith.contexts.transactions)."""

from modulith.contexts.transactions import ContextDatabase

notifications_database = ContextDatabase("notifications")
alias = notifications_database.alias
atomic = notifications_database.atomic
