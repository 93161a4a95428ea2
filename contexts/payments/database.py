"""Transactions on the payments context's own database alias (see modulith.transactions)."""

from modulith.transactions import ContextDatabase

payments_database = ContextDatabase("payments")
alias = payments_database.alias
atomic = payments_database.atomic
