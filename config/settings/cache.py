"""Django's cache: Redis when REDIS_URL is set (shared by every process), else process memory.

The Redis backend is Django's, keeping one Redis client per connection pool (modulith.http.cache).
"""

from __future__ import annotations

from config.settings.environment import env

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "modulith.http.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
