"""Users and credentials. Only the identity context touches these tables."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import QuerySet, Value
from django.db.models.functions import Lower

from modulith.http.authentication import Role


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def with_email(self, email: str | None) -> QuerySet[User]:
        """Accounts with this address in any letter case, as the unique constraint compares them.

        Lower() on both sides lets the database lower them alike (SQLite's lower() is ASCII-only)
        and lets PostgreSQL use the constraint's index.
        """
        return self.alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(email)))

    def get_by_natural_key(self, username: str | None) -> User:
        # Log in whatever the letter case of the address.
        return self.with_email(username).get()


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address. Other contexts know only its UUID."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Stored as entered (the domain lower-cased); unique whatever the case, see Meta.
    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    # Nothing beyond the address and the password: `createsuperuser --noinput` needs only
    # DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD (the name is optional).
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            # One account per address whatever its letter case.
            models.UniqueConstraint(
                Lower("email"),
                name="identity_user_email_ci_unique",
                violation_error_message="A user with this email address already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def roles(self) -> tuple[Role, ...]:
        """The `roles` claim of this user's tokens: staff accounts are back office only."""
        return (Role.STAFF,) if self.is_staff else (Role.CUSTOMER,)
