"""Transactions on the shipping context's own database alias (modulith.contexts.transactions)."""

from modulith.contexts.transactions import ContextDatabase

shipping_database = ContextDatabase("shipping")
alias = shipping_database.alias
atomic = shipping_database.atomic
