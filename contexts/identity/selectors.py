"""Reads of the identity context."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet, Value
from django.db.models.functions import Lower

from contexts.identity.models import User


def user_get(*, user_id: UUID) -> User | None:
    return User.objects.filter(id=user_id).first()


def user_get_by_email(*, email: str) -> User | None:
    return _users_with_email(email).first()


def user_email_taken(*, email: str) -> bool:
    """Whether an account uses this address in any letter case, as the unique constraint sees it."""
    return _users_with_email(email).exists()


def _users_with_email(email: str) -> QuerySet[User]:
    # Lower() on both sides, as the case-insensitive unique constraint compares (see models).
    return User.objects.alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(email)))
