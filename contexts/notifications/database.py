"""Transactions on the notifications context's own database alias (see modulith.transactions)."""

from modulith.transactions import ContextDatabase

notifications_database = ContextDatabase("notifications")
alias = notifications_database.alias
atomic = notifications_database.atomic
