"""The Idempotency-Key header of POST /api/orders/ and the fingerprint of a request body.

A client that retries a POST (timeout, dropped connection) with the same key and body gets the
first response again instead of a second order. The key is scoped to the customer. The
fingerprint tells a genuine retry from a client that reused a key for a different order.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


def idempotency_key(request: Request) -> str:
    """The request's key; a missing, blank or over-long one is a 400 problem."""
    # The length is checked before blanks are stripped, as the schema's maxLength counts them.
    raw = request.headers.get(HEADER, "")
    key = raw.strip()
    if not key:
        raise ValidationError(
            {HEADER: ["This header is required: send a unique value (a UUID) per order."]},
            code="required",
        )
    if len(raw) > MAX_KEY_LENGTH:
        raise ValidationError(
            {HEADER: [f"Ensure this header has no more than {MAX_KEY_LENGTH} characters."]},
            code="max_length",
        )
    return key


def fingerprint(body: Any) -> str:
    """sha256 of the body as canonical JSON: the same document hashes the same whatever its key
    order or whitespace."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
