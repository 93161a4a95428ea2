"""The credential of one process calling another's internal api: a short-lived service token.

It is an ordinary RS256 access token (modulith.http.authentication) signed with identity's
current key, whose `roles` claim is ["service"] and whose subject is a fixed id that no account
has. The serving process verifies it as it verifies every token (its own keys, or identity's
JWK Set through JWT_JWKS_URL) and requires that role. No secret beyond the keys the shop already
manages and rotates; docs/decisions/0009-remote-context-apis.md weighs it against a shared
secret.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

from modulith.http.authentication import (
    ROLES_CLAIM,
    USER_ID_CLAIM,
    StatelessAccessToken,
    signing_key,
)
from modulith.http.permissions import HasRole

SERVICE_ROLE = "service"
# The token's `sub`: the same for every calling process, and no user's id (those are uuid4).
SERVICE_SUBJECT = uuid.uuid5(uuid.NAMESPACE_URL, "urn:modulith:service")
# Short, so a token caught in a log is soon worthless; renewed well before it runs out so that
# clock skew between the two processes never rejects one.
TOKEN_LIFETIME = timedelta(minutes=5)
RENEW_AFTER_SECONDS = 3 * 60


class IsService(HasRole):
    message = "This route is for the shop's own processes: it needs a service token."
    role = SERVICE_ROLE


_lock = threading.Lock()
# (kid of the signing key, monotonic time it was minted, "Bearer <token>")
_current: tuple[str, float, str] | None = None


def service_authorization() -> str:
    """The Authorization header value for a call to another process's internal api.

    Minted once and reused until it is a few minutes old (signing costs about a millisecond),
    and again at once when the signing key changes. Raises ImproperlyConfigured when this
    process holds no signing key.
    """
    global _current
    kid = signing_key().kid
    with _lock:
        now = time.monotonic()
        if _current is None or _current[0] != kid or now - _current[1] > RENEW_AFTER_SECONDS:
            _current = (kid, now, f"Bearer {_mint()}")
        return _current[2]


def _mint() -> str:
    token = StatelessAccessToken()
    token.set_exp(lifetime=TOKEN_LIFETIME)
    token[USER_ID_CLAIM] = str(SERVICE_SUBJECT)
    token[ROLES_CLAIM] = [SERVICE_ROLE]
    return str(token)
