"""The tokens identity issues: an RS256 access and refresh pair per login.

Claims: `sub` (the user's UUID as a string), `roles` (["staff"] for staff accounts, ["customer"]
otherwise: staff accounts are back office only), `token_type` ("access" or "refresh"), `jti`,
`exp`, `iat`. Roles are read from the account each time a pair is issued, refresh included, so a
change of role takes effect within one access-token lifetime.
"""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework_simplejwt.tokens import RefreshToken as SimpleJWTRefreshToken

from contexts.identity.models import User
from modulith.http.authentication import (
    ROLES_CLAIM,
    USER_ID_CLAIM,
    StatelessAccessToken,
    token_backend,
)


class RefreshToken(SimpleJWTRefreshToken):
    """A refresh token signed with the key set; the access tokens it mints are stateless."""

    _token_backend = token_backend
    access_token_class = StatelessAccessToken


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def refresh_token_for(user: User) -> RefreshToken:
    """A new refresh token for `user` (not yet recorded as outstanding)."""
    token = RefreshToken()
    token[USER_ID_CLAIM] = str(user.pk)
    token[ROLES_CLAIM] = [str(role) for role in user.roles]
    return token
