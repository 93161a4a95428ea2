"""Identity's signing key lives with the service hosting identity only: the topology decides.

The settings of processes of other services point at no private key and verify user tokens with
the JWK Set identity's service publishes; identity's deploy check and `ensure_dev_keys` leave
them alone.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings

from contexts.identity.checks import check_jwt_signing_key
from tests.topology.test_migrate import manage

SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'issuer': s.JWT_ISSUER, 'private_file': s.JWT_PRIVATE_KEY_FILE, 'jwks': s.JWT_JWKS_URL}))"
)


def key_settings(**env: str) -> dict[str, object]:
    run = manage("shell", "-c", SHOW, **env)
    assert run.returncode == 0, run.stderr
    # The last line: the shell may first say which objects it imported.
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def test_a_service_without_identity_holds_no_key_and_verifies_with_identitys_key_set(
    tmp_path: Path,
) -> None:
    shown = key_settings(
        SHOP_TOPOLOGY="payments",
        SHOP_SERVICE="payments",
        PAYMENTS_DATABASE_URL=f"sqlite:///{tmp_path / 'payments.sqlite3'}",
        SHOP_URL="http://shop.internal:8000",
    )

    assert shown == {
        "issuer": False,
        "private_file": "",
        "jwks": "http://shop.internal:8000/.well-known/jwks.json",
    }


def test_the_service_hosting_identity_signs_and_needs_no_key_set(tmp_path: Path) -> None:
    shown = key_settings(
        SHOP_TOPOLOGY="payments",
        SHOP_SERVICE="shop",
        DATABASE_URL=f"sqlite:///{tmp_path / 'shop.sqlite3'}",
    )

    assert shown["issuer"] is True
    assert str(shown["private_file"]).endswith("var/keys/jwt-private.pem")
    assert shown["jwks"] == ""


@pytest.fixture
def not_the_issuer(settings: Settings, tmp_path: Path) -> Path:
    settings.JWT_ISSUER = False
    settings.JWT_PRIVATE_KEY = ""
    settings.JWT_PRIVATE_KEY_FILE = str(tmp_path / "jwt-private.pem")
    settings.DEBUG = True
    return Path(settings.JWT_PRIVATE_KEY_FILE)


def test_ensure_dev_keys_creates_no_key_of_identitys_elsewhere(not_the_issuer: Path) -> None:
    out = io.StringIO()

    call_command("ensure_dev_keys", stdout=out)

    assert not not_the_issuer.exists()
    assert "does not host identity" in out.getvalue()


def test_the_deploy_check_asks_for_identitys_key_only_where_identity_is_hosted(
    not_the_issuer: Path, settings: Settings
) -> None:
    assert check_jwt_signing_key() == []

    settings.JWT_ISSUER = True

    assert [error.id for error in check_jwt_signing_key()] == ["identity.E001"]
