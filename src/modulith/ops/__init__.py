"""Operations: what runs on a schedule and what tells you how the kernel is doing.

- `beat`: exactly one Celery beat, behind a leader lease.
- `schedule`: the kernel's periodic jobs in django-celery-beat's database schedule.
- `metrics`: the outbox and inbox gauges behind GET /metrics.
- `flow`: the live context map of the admin's event flow page, from the same queries.
- `logs`: the log filter and formatters that settings.LOGGING uses.
- `tracing`: W3C Trace Context carried in the envelope across the outbox and the queue.
- `devmail`: the development email backend that prints one line per email.

docs/decisions/0010-operations.md records the choices.
"""
