"""The in-process transport: the handler runs here, right after the commit, in a transaction of
its own (modulith.events.delivery); a failing handler never fails the publisher."""

from __future__ import annotations

from modulith.contexts.registry import INPROCESS
from modulith.events.delivery import deliver
from modulith.events.envelope import Envelope
from modulith.events.subscriptions import Subscription
from modulith.events.transports.registry import register_transport


class InProcessChannel:
    def send(self, subscription: Subscription, envelope: Envelope) -> None:
        deliver(subscription, envelope)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def open_channel(*, batched: bool) -> InProcessChannel:
    return InProcessChannel()


register_transport(INPROCESS, open_channel)
