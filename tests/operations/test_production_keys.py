"""manage.py create_key_pair and production_env: production secrets, made whatever DEBUG says."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from modulith.http.keys import jwk_thumbprint


def test_create_key_pair_writes_a_3072_bit_private_key_and_its_public_half(
    tmp_path: Path, settings: Settings
) -> None:
    settings.DEBUG = False
    path = tmp_path / "keys" / "jwt-2026-12-private.pem"
    out = io.StringIO()

    call_command("create_key_pair", str(path), stdout=out)

    private = load_pem_private_key(path.read_bytes(), password=None)
    public = load_pem_public_key((tmp_path / "keys" / "jwt-2026-12-public.pem").read_bytes())
    assert isinstance(private, RSAPrivateKey) and isinstance(public, RSAPublicKey)
    assert private.key_size == 3072
    assert public.public_numbers() == private.public_key().public_numbers()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f"kid: {jwk_thumbprint(public)}" in out.getvalue()


def test_create_key_pair_never_overwrites_a_key(tmp_path: Path) -> None:
    path = tmp_path / "jwt-private.pem"
    call_command("create_key_pair", str(path), stdout=io.StringIO())
    before = path.read_bytes()

    with pytest.raises(CommandError, match="never overwritten"):
        call_command("create_key_pair", str(path), stdout=io.StringIO())

    assert path.read_bytes() == before


def test_create_key_pair_refuses_weak_keys(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="at least 2048"):
        call_command("create_key_pair", str(tmp_path / "k.pem"), "--bits", "1024")


def test_production_env_is_made_once_with_a_secret_key_and_a_key_pair(tmp_path: Path) -> None:
    file = tmp_path / "up" / "production.env"

    call_command("production_env", str(file), stdout=io.StringIO())
    first = file.read_text()
    call_command("production_env", str(file), stdout=io.StringIO())

    assert file.read_text() == first
    values = dict(line.split("=", 1) for line in first.splitlines() if "=" in line)
    assert values["DEBUG"] == "false"
    assert len(values["SECRET_KEY"]) >= 50
    key = load_pem_private_key(Path(values["JWT_PRIVATE_KEY_FILE"]).read_bytes(), password=None)
    assert isinstance(key, RSAPrivateKey)
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
