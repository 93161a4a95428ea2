"""Transactions on the shipping context's own database alias (see modulith.transactions)."""

from modulith.transactions import ContextDatabase

shipping_database = ContextDatabase("shipping")
alias = shipping_database.alias
atomic = shipping_database.atomic
