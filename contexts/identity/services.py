"""Write use cases of the identity context: registration and the token lifecycle."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_from_epoch

import modulith
from contexts.identity import database, selectors
from contexts.identity.events import UserRegistered
from contexts.identity.models import User
from contexts.identity.tokens import RefreshToken, TokenPair, refresh_token_for
from modulith.http.authentication import USER_ID_CLAIM


class EmailAlreadyRegistered(Exception):
    def __init__(self, email: str) -> None:
        super().__init__(f"An account already uses {email!r}.")
        self.email = email


class WeakPassword(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


class InvalidCredentials(Exception):
    """No active account has this email address and password."""


class RefreshTokenRejected(Exception):
    """The refresh token is invalid, expired, already used or revoked, or its account is gone."""


def user_register(
    *, email: str, password: str, name: str, is_staff: bool = False, is_superuser: bool = False
) -> User:
    """A new account. A superuser has every permission in the admin, so it is staff as well."""
    email = User.objects.normalize_email(email)
    user = User(
        email=email, name=name, is_staff=is_staff or is_superuser, is_superuser=is_superuser
    )
    try:
        # With the user, so that a password resembling the address or name is refused.
        validate_password(password, user=user)
    except ValidationError as error:
        raise WeakPassword(list(error.messages)) from error
    # Hash before the transaction starts: hashing is slow on purpose (~0.5 s), and on SQLite an
    # open transaction holds the database's write lock.
    user.set_password(password)
    return _user_insert(user)


@database.atomic
def _user_insert(user: User) -> User:
    if selectors.user_email_taken(email=user.email):
        raise EmailAlreadyRegistered(user.email)
    try:
        # A savepoint: a concurrent registration of the same address can win between the check
        # above and this insert; the unique constraint then fails only this statement.
        with transaction.atomic(using=database.alias()):
            user.save(force_insert=True)
    except IntegrityError as error:
        raise EmailAlreadyRegistered(user.email) from error
    modulith.publish(
        UserRegistered(
            user_id=user.id, email=user.email, name=user.name, registered_at=user.date_joined
        )
    )
    return user


def token_pair_obtain(*, email: str, password: str) -> TokenPair:
    # The password is checked outside the transaction, for the reason given in user_register.
    user = authenticate(email=email, password=password)
    if not isinstance(user, User):
        raise InvalidCredentials("No active account has this email address and password.")
    with transaction.atomic(using=database.alias()):
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        return _token_pair_issue(user)


@database.atomic
def token_pair_refresh(*, refresh: str) -> TokenPair:
    """Rotate: the presented refresh token is revoked and a new pair issued."""
    token = _verified_refresh_token(refresh)
    try:
        user_id = UUID(str(token[USER_ID_CLAIM]))
    except ValueError as error:
        raise RefreshTokenRejected("Token has no valid user id") from error
    user = selectors.user_get(user_id=user_id)
    if user is None or not user.is_active:
        raise RefreshTokenRejected("The account of this token is no longer active.")
    _revoke(token)
    return _token_pair_issue(user)


@database.atomic
def token_revoke(*, refresh: str) -> None:
    """Log out: the refresh token can no longer be used. Access tokens expire on their own."""
    _revoke(_verified_refresh_token(refresh))


def _token_pair_issue(user: User) -> TokenPair:
    refresh = refresh_token_for(user)
    OutstandingToken.objects.create(
        user=user,
        jti=refresh["jti"],
        # Only the jti is needed to revoke; the token itself would hand a working credential to
        # whoever reads a database backup.
        token="",
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


def _verified_refresh_token(raw: str) -> RefreshToken:
    try:
        # simplejwt annotates the raw token as a Token, but decodes str.
        return RefreshToken(raw)  # type: ignore[arg-type]
    except TokenError as error:
        raise RefreshTokenRejected(str(error)) from error


def _revoke(token: RefreshToken) -> None:
    # Lock the token's row so that two requests presenting the same refresh token cannot both
    # rotate it: the second one finds it blacklisted.
    outstanding = OutstandingToken.objects.select_for_update().filter(jti=token["jti"]).first()
    if outstanding is None:
        raise RefreshTokenRejected("This refresh token was not issued here.")
    _, created = BlacklistedToken.objects.get_or_create(token=outstanding)
    if not created:
        raise RefreshTokenRejected("Token is blacklisted")
