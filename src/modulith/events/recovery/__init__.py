"""Recovery: what makes sure no event is lost and a failing handler gets another chance.

- `relay`: re-sends committed outbox rows the after-commit path missed, and due retries.
- `retries`: the scanner that re-sends inbox rows whose retry is due.
- `deadletters`: listing and replaying deliveries that gave up.
- `dryrun`: would replaying a dead letter work now? Runs it in rolled-back transactions.
- `sideeffects`: `external_call()`, which stops a dry run before a call no rollback can undo.
- `retention`: deleting outbox and inbox rows past their retention.
"""
