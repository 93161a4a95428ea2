"""Transactions on the payments context's own database alias (modulith.contexts.transactions)."""

from modulith.contexts.transactions import ContextDatabase

payments_database = ContextDatabase("payments")
alias = payments_database.alias
atomic = payments_database.atomic
in_transaction = payments_database.in_transaction
