"""Users, passwords and the RS256 JWTs that identity issues and every context verifies."""

from __future__ import annotations

from datetime import timedelta

from config.settings.environment import VAR_DIR, env
from config.settings.topology import TOPOLOGY_HOME_CONTEXT, TOPOLOGY_PLACEMENT, TOPOLOGY_SERVICE

AUTH_USER_MODEL = "identity.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Whether this service hosts identity, which issues the tokens: only its processes hold the
# private key. Every other service verifies with the public keys identity publishes.
JWT_ISSUER = TOPOLOGY_HOME_CONTEXT in TOPOLOGY_SERVICE.local_contexts
_IDENTITY_URL = TOPOLOGY_PLACEMENT.host(TOPOLOGY_HOME_CONTEXT).url()

# RS256 key material. In production the private key comes from JWT_PRIVATE_KEY (PEM text) or
# JWT_PRIVATE_KEY_FILE; in development `make run` generates one under var/keys/.
JWT_PRIVATE_KEY = env.str("JWT_PRIVATE_KEY", default="")
JWT_PRIVATE_KEY_FILE = env.str(
    "JWT_PRIVATE_KEY_FILE", default=str(VAR_DIR / "keys" / "jwt-private.pem") if JWT_ISSUER else ""
)
# Extra public keys (PEM files) still accepted for verification while keys rotate.
JWT_PREVIOUS_PUBLIC_KEY_FILES = env.list("JWT_PREVIOUS_PUBLIC_KEY_FILES", default=[])
JWT_ACCESS_TOKEN_LIFETIME = timedelta(seconds=env.int("JWT_ACCESS_TOKEN_SECONDS", default=600))
JWT_REFRESH_TOKEN_LIFETIME = timedelta(
    seconds=env.int("JWT_REFRESH_TOKEN_SECONDS", default=7 * 24 * 3600)
)
# A service that does not host identity verifies with the JWK Set identity's service publishes
# (derived from the topology); empty where identity is hosted.
JWT_JWKS_URL = env.str(
    "JWT_JWKS_URL", default="" if JWT_ISSUER else f"{_IDENTITY_URL}/.well-known/jwks.json"
)

# Service-to-service calls: each service signs its calls with a key pair of its own, which no
# other service holds, and publishes the public half at /.well-known/service-jwks.json
# (modulith.remote.credentials). In development each service's key is generated under var/keys/.
SERVICE_PRIVATE_KEY = env.str("SERVICE_PRIVATE_KEY", default="")
SERVICE_PRIVATE_KEY_FILE = env.str("SERVICE_PRIVATE_KEY_FILE", default="")
SERVICE_DEVELOPMENT_KEYS_DIR = str(VAR_DIR / "keys")
# Other public keys the service publishes while its key rotates (the next, then the previous one).
SERVICE_PUBLIC_KEY_FILES = env.list("SERVICE_PUBLIC_KEY_FILES", default=[])

# simplejwt issues the tokens. modulith.http.authentication supplies its RS256 keys (chosen by kid,
# which simplejwt's own backend cannot do), so no key is configured here.
SIMPLE_JWT = {
    "ALGORITHM": "RS256",
    "SIGNING_KEY": None,
    "ACCESS_TOKEN_LIFETIME": JWT_ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": JWT_REFRESH_TOKEN_LIFETIME,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "AUTH_HEADER_TYPES": ("Bearer",),
}
