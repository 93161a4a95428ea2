"""Tokens live no longer than we issue them for; HTML pages carry a CSP; one COOP everywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from modulith.http.headers import CONTENT_SECURITY_POLICY
from tests.identity.factories import UserFactory
from tests.support.jwt_keys import JwtKeys, access_claims, signed
from tests.support.problems import assert_problem_type

pytestmark = pytest.mark.django_db

CENTURY = 100 * 365 * 24 * 3600


def bearer_with(jwt_keys: JwtKeys, **claims: object) -> str:
    return f"Bearer {signed(access_claims(**claims), jwt_keys.current)}"


def test_a_genuine_token_valid_for_a_century_is_refused(jwt_keys: JwtKeys) -> None:
    user = UserFactory.create()
    now = int(time.time())
    authorization = bearer_with(jwt_keys, sub=str(user.id), iat=now, exp=now + CENTURY)

    response = APIClient().get("/api/identity/me/", HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 401
    assert_problem_type(response)


def test_a_token_as_long_as_the_configured_lifetime_is_accepted(jwt_keys: JwtKeys) -> None:
    user = UserFactory.create()
    now = int(time.time())
    authorization = bearer_with(jwt_keys, sub=str(user.id), iat=now, exp=now + 600)

    response = APIClient().get("/api/identity/me/", HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 200


def test_me_refuses_a_user_deactivated_after_the_token_was_issued(jwt_keys: JwtKeys) -> None:
    user = UserFactory.create()
    authorization = bearer_with(jwt_keys, sub=str(user.id))
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = APIClient().get("/api/identity/me/", HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 401
    assert response.json()["detail"] == "This account is deactivated."


@pytest.mark.parametrize("path", ["/admin/login/", "/api/docs/", "/api/redoc/"])
def test_html_pages_carry_the_content_security_policy_and_same_origin_coop(path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_swagger_ui_has_no_inline_script_for_the_policy_to_block() -> None:
    page = Client().get("/api/docs/").content.decode()

    scripts = page.split("<script")[1:]
    assert scripts and all(" src=" in script.split(">", 1)[0] for script in scripts)


def test_the_json_api_answers_carry_no_content_security_policy() -> None:
    response = Client().get("/api/catalog/products/")

    assert not response.has_header("Content-Security-Policy")
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_forged_x_forwarded_proto_does_not_pass_for_https_without_proxies(
    settings: Any,
) -> None:
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get("/api/catalog/products/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.parametrize(("proxies", "trusted"), [("0", "None"), ("1", "HTTP_X_FORWARDED_PROTO")])
def test_x_forwarded_proto_is_trusted_only_behind_proxies(proxies: str, trusted: str) -> None:
    probe = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    env = {**os.environ, "DEBUG": "true", "NUM_PROXIES": proxies}

    printed = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {probe}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert trusted in printed
