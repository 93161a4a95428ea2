"""Reads of the identity context."""

from __future__ import annotations

from uuid import UUID

from contexts.identity.models import User


def user_get(*, user_id: UUID) -> User | None:
    return User.objects.filter(id=user_id).first()


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.with_email(email).first()


def user_email_taken(*, email: str) -> bool:
    """Whether an account uses this address in any letter case, as the unique constraint sees it."""
    return User.objects.with_email(email).exists()
