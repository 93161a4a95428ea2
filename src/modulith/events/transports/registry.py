"""The transports by name, and the channel each opens for one round of sending.

A `Sender` (modulith.events.dispatch) opens one channel per transport it uses and keeps it for
the round: a broker transport borrows one producer (one connection) for everything the round
sends, and in a batched round hands its messages to the broker only on `flush()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from modulith.events.envelope import Envelope
from modulith.events.subscriptions import Subscription


class Channel(Protocol):
    def send(self, subscription: Subscription, envelope: Envelope) -> None:
        """Hand one envelope to one subscription; raises if it cannot (no silent loss)."""

    def flush(self) -> None:
        """Make sure every message sent so far has left; raises if it could not."""

    def close(self) -> None:
        """Give back what the channel borrowed; unflushed messages are dropped, never half-sent."""


# A transport: opens a channel for one round of sending (batched: the relay's rounds).
Transport = Callable[..., Channel]


class TransportNotConfiguredError(RuntimeError):
    pass


_transports: dict[str, Transport] = {}


def register_transport(name: str, open_channel: Transport) -> None:
    _transports[name] = open_channel


def open_channel(name: str, *, context: str, batched: bool) -> Channel:
    try:
        opener = _transports[name]
    except KeyError:
        known = ", ".join(repr(each) for each in sorted(_transports))
        raise TransportNotConfiguredError(
            f"Unknown transport {name!r} for context {context}: set it to one of {known}."
        ) from None
    return opener(batched=batched)
