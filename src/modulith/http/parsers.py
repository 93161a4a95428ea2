"""JSON request bodies whose parsing cost is bounded by their size, not by their shape.

Python's json module recurses once per nesting level: a 2 KB body of a thousand `[` raises
RecursionError deep inside the parser (a 500 with a traceback). And a 1 MB body of 250,000 empty
objects parses into 250,000 dicts, tens of megabytes, before any serializer can refuse it. So a
body's structure is measured before it is parsed, on its bytes, at C speed:

- a regex walks from bracket to bracket, skipping string literals, and counts;
- more than MAX_JSON_CONTAINERS arrays and objects, or nesting deeper than MAX_JSON_DEPTH, is a
  400 problem, found at the first bracket past the limit.

Both limits sit far above what any input of the shop needs (an order of 50 lines holds 52
objects and arrays, three levels deep).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 16
MAX_JSON_CONTAINERS = 1_000

# From a position outside any string: everything up to the next bracket outside a string, and
# that bracket. Possessive, so a long run costs neither backtracking nor memory. Escaped quotes
# and backslashes are removed beforehand, so a string literal is simply "[^"]*".
_NEXT_BRACKET = re.compile(rb'(?:[^"\[\]{}]++|"[^"]*+")*+([\[\]{}])')
_OPENING = b"[{"


def json_structure_problem(raw: bytes, *, max_depth: int, max_containers: int) -> str | None:
    """Why the JSON text `raw` is too deep or too large in structure to parse; None if it is not.

    Walks from bracket to bracket outside strings (anchored matches: each byte is looked at
    once) and stops at the first limit crossed, so it inspects at most about
    2 * max_containers brackets. Whether brackets pair up is left to the parser; a closing
    bracket with none open is refused here since counting cannot go on past it.
    """
    text = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    depth = containers = position = 0
    while (bracket := _NEXT_BRACKET.match(text, position)) is not None:
        position = bracket.end()
        if text[position - 1] in _OPENING:
            depth += 1
            containers += 1
            if depth > max_depth:
                return f"the body nests deeper than {max_depth} levels"
            if containers > max_containers:
                return f"the body holds more than {max_containers} arrays and objects"
        else:
            depth -= 1
            if depth < 0:
                return "the body closes an array or object that was never opened"
    return None


class BoundedJSONParser(parsers.JSONParser):
    """REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]: DRF's strict JSON parser behind the limits."""

    max_depth = MAX_JSON_DEPTH
    max_containers = MAX_JSON_CONTAINERS

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read() if stream is not None else b""
        problem = json_structure_problem(
            raw, max_depth=self.max_depth, max_containers=self.max_containers
        )
        if problem:
            raise ParseError(f"JSON parse error - {problem}.")
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as error:  # a second line of defence; the measure should catch it
            raise ParseError("JSON parse error - the body nests too deeply.") from error
