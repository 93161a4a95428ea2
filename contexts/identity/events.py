"""Events published by the identity context."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from modulith import event


@event("shop.identity.user.registered.v1", subject="user_id")
class UserRegistered:
    """A person created an account; they can log in from now on.

    user_id: the account's id, the only reference other contexts keep.
    email: the address the account logs in with, as entered (domain lower-cased).
    name: how the person wants to be addressed.
    registered_at: when the account was created (UTC).
    """

    user_id: UUID
    email: str
    name: str
    registered_at: datetime
