"""Transactions on the identity context's own database alias (see modulith.transactions)."""

from modulith.transactions import ContextDatabase

identity_database = ContextDatabase("identity")
alias = identity_database.alias
atomic = identity_database.atomic
