"""contexts.identity.services: registration and the token lifecycle, below HTTP."""

from __future__ import annotations

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from contexts.identity import selectors, services
from contexts.identity.events import UserRegistered
from contexts.identity.models import User
from contexts.identity.tokens import RefreshToken
from modulith.models import OutboxMessage
from modulith.testing import capture_events
from tests.identity.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_registering_publishes_user_registered_through_the_outbox() -> None:
    with capture_events() as captured:
        user = services.user_register(email="Ada@EXAMPLE.com", password=PASSWORD, name="Ada")

    assert captured.events == [
        UserRegistered(
            user_id=user.id, email="Ada@example.com", name="Ada", registered_at=user.date_joined
        )
    ]
    assert OutboxMessage.objects.filter(event_type="shop.identity.user.registered.v1").count() == 1


def test_registering_a_taken_address_raises_and_publishes_nothing() -> None:
    UserFactory(email="ada@example.com")

    with capture_events() as captured, pytest.raises(services.EmailAlreadyRegistered):
        services.user_register(email="ADA@example.com", password=PASSWORD, name="Ada")

    assert captured.events == []


def test_a_registration_that_loses_the_race_for_an_address_is_refused_not_crashed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The other registration commits between our check and our insert.
    UserFactory(email="ada@example.com")
    monkeypatch.setattr(selectors, "user_email_taken", lambda *, email: False)

    with capture_events() as captured, pytest.raises(services.EmailAlreadyRegistered):
        services.user_register(email="Ada@example.com", password=PASSWORD, name="Ada")

    assert captured.events == []
    assert User.objects.count() == 1


def test_a_weak_password_raises_with_the_validators_messages() -> None:
    with pytest.raises(services.WeakPassword) as raised:
        services.user_register(email="ada@example.com", password="123", name="Ada")

    assert raised.value.messages
    assert not User.objects.exists()


def test_a_refresh_token_cannot_be_rotated_twice() -> None:
    UserFactory(email="ada@example.com")
    pair = services.token_pair_obtain(email="ada@example.com", password=PASSWORD)
    services.token_pair_refresh(refresh=pair.refresh)

    with pytest.raises(services.RefreshTokenRejected):
        services.token_pair_refresh(refresh=pair.refresh)


def test_refresh_tokens_are_recorded_by_jti_without_the_token_itself() -> None:
    user = UserFactory()

    services.token_pair_obtain(email=user.email, password=PASSWORD)

    outstanding = OutstandingToken.objects.get(user=user)
    assert outstanding.jti
    assert outstanding.token == ""


def test_logging_out_blacklists_the_refresh_token() -> None:
    user = UserFactory()
    pair = services.token_pair_obtain(email=user.email, password=PASSWORD)

    services.token_revoke(refresh=pair.refresh)

    assert BlacklistedToken.objects.filter(token__user=user).count() == 1


def test_a_refresh_reads_the_roles_again_from_the_account() -> None:
    user = UserFactory()
    pair = services.token_pair_obtain(email=user.email, password=PASSWORD)
    user.is_staff = True
    user.save()

    refreshed = services.token_pair_refresh(refresh=pair.refresh)

    assert RefreshToken(refreshed.refresh)["roles"] == ["staff"]  # type: ignore[arg-type]
