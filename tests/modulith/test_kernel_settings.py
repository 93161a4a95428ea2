"""kernel_settings(): read once per MODULITH dict, read again when the setting is replaced."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.test import override_settings

from modulith.settings import kernel_settings


def test_the_same_settings_are_returned_while_modulith_is_unchanged():
    assert kernel_settings() is kernel_settings()


def test_an_overridden_modulith_setting_is_read_at_once_and_forgotten_after():
    before = kernel_settings()
    changed = {**settings.MODULITH, "RELAY_BATCH_SIZE": 7, "DISPATCH_GRACE": 3}

    with override_settings(MODULITH=changed):
        inside = kernel_settings()

    assert (inside.relay_batch_size, inside.dispatch_grace) == (7, timedelta(seconds=3))
    assert kernel_settings() == before


def test_the_settings_fixture_replacing_modulith_is_seen(settings):
    settings.MODULITH = {**settings.MODULITH, "RETRY_MAX_ATTEMPTS": 2}

    assert kernel_settings().retry_max_attempts == 2
