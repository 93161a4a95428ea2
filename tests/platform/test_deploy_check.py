"""`manage.py check --deploy` passes under a production-like environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]


def production_environment() -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "PLAIN_HTTP", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="shop.example.com",
        DATABASE_URL="postgres://shop@db.example.com:5432/shop",
        REDIS_URL="redis://cache.example.com:6379/0",
        CELERY_BROKER_URL="amqp://shop@broker.example.com:5672//",
        JWT_PRIVATE_KEY=pem,
    )
    return environment


def deploy_check(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_deploy_check_finds_no_issue_in_a_production_environment() -> None:
    environment = production_environment()

    result = deploy_check(environment)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deploy_check_flags_debug_left_on() -> None:
    environment = production_environment() | {"DEBUG": "true"}

    result = deploy_check(environment)

    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_the_deploy_check_flags_plain_http_left_on() -> None:
    """PLAIN_HTTP is for `make up` on one machine: a production environment that keeps it gets
    told about the cookies, the redirect and HSTS it gives up."""
    environment = production_environment() | {"PLAIN_HTTP": "true"}

    result = deploy_check(environment)

    assert result.returncode != 0
    for warning in ("security.W012", "security.W016", "security.W008", "security.W004"):
        assert warning in result.stderr
