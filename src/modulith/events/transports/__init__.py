"""Transports: how an envelope reaches a subscription once its event is committed.

- `registry`: the transports by name (a context's EVENT_TRANSPORT / CONTEXT_TRANSPORTS entry).
- `inprocess`: runs the handler here, right after the commit.
- `celery`: writes a delivery task message to the subscriber's queue.

Each transport registers itself when its module is imported (modulith.apps does that), so the
sender looks a transport up by name and never imports one.
"""
