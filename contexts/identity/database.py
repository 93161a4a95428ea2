"""Transactions on the identity context's own database alias (modulith.contexts.transactions)."""

from modulith.contexts.transactions import ContextDatabase

identity_database = ContextDatabase("identity")
alias = identity_database.alias
atomic = identity_database.atomic
