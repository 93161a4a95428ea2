"""Operations: structured logs that name their flow, and metrics computed from the database.

- `modulith.observability.logs`: the log filter and formatters that settings.LOGGING uses.
- `modulith.observability.metrics`: the outbox and inbox gauges behind GET /metrics.

Beat's single-leader lock lives in `modulith.beat`. docs/decisions/0010-operations.md records
the choices.
"""
