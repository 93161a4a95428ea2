"""The production way to make an admin account: `createsuperuser --noinput` and two variables."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from contexts.identity.models import User

pytestmark = pytest.mark.django_db


def test_createsuperuser_noinput_needs_only_the_email_and_password_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Ops@Shop.Example")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-Long-random-Passphrase-42")

    call_command("createsuperuser", interactive=False, stdout=io.StringIO())

    user = User.objects.get(email="Ops@shop.example")
    assert (user.is_staff, user.is_superuser, user.is_active) == (True, True, True)
    assert user.check_password("a-Long-random-Passphrase-42")
