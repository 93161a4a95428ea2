"""The event kernel: typed events, published through an outbox, delivered once through an inbox.

- `declaration`: `@event`, the registry of event types and their pydantic codec.
- `envelope`: the CloudEvents envelope and the causal context (correlation, causation) it carries.
- `outbox`: `publish()`, which writes the outbox row inside the caller's transaction.
- `subscriptions`: `@subscribe` and the registry of subscriptions.
- `delivery`: one handler run per envelope and subscription, recorded in the inbox row.
- `retry_policy`: when a failed delivery or send is tried again, and when it gives up.
- `statements`: the SQL statements every event runs, written once.
- `aftercommit`, `dispatch`, `marks`, `bookkeeping`: sending committed events to their
  transports (`transports`) and marking them sent.
- `contracts`: the committed JSON Schema of every event type.
- `recovery`: what repairs what went wrong (relay, retries, dead letters, retention).
"""
