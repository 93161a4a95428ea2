"""manage.py ensure_dev_keys (no database)."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings


@pytest.fixture
def key_path(settings: Settings, tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "jwt-private.pem"
    settings.JWT_PRIVATE_KEY = ""
    settings.JWT_PRIVATE_KEY_FILE = str(path)
    settings.DEBUG = True
    return path


def test_it_creates_a_2048_bit_rsa_key_readable_only_by_its_owner(key_path: Path) -> None:
    call_command("ensure_dev_keys", stdout=io.StringIO())

    key = load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(key, RSAPrivateKey)
    assert key.key_size == 2048
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert (key_path.parent / "jwt-public.pem").exists()
    assert [path.name for path in key_path.parent.iterdir() if path.name.startswith(".tmp")] == []


def test_it_leaves_an_existing_key_alone(key_path: Path) -> None:
    call_command("ensure_dev_keys", stdout=io.StringIO())
    before = key_path.read_bytes()

    call_command("ensure_dev_keys", stdout=io.StringIO())

    assert key_path.read_bytes() == before


def test_it_does_nothing_when_the_key_comes_from_the_environment(
    key_path: Path, settings: Settings
) -> None:
    settings.JWT_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----..."

    call_command("ensure_dev_keys", stdout=io.StringIO())

    assert not key_path.exists()


def test_it_refuses_to_generate_a_key_outside_development(
    key_path: Path, settings: Settings
) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only for development"):
        call_command("ensure_dev_keys", stdout=io.StringIO())

    assert not key_path.exists()
