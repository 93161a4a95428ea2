"""`manage.py events <action>`: operate the event kernel.

relay     dispatch pending outbox rows and run due retries, in a loop (or --once)
dead      list dead letters
replay    replay dead letters: --id N [--id M …] | --subscription NAME | --all
purge     delete dispatched outbox rows and processed inbox rows past their retention
schedule  register the periodic jobs (relay, purge) in django-celery-beat, idempotently
schemas   --check the event contracts under contracts/events/, or --write them
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modulith.contexts import database_aliases
from modulith.contracts import compare_with_snapshots, contracts_dir, write_snapshots
from modulith.deadletters import dead_letters, replay_dead_letters
from modulith.events import all_event_specs
from modulith.relay import RelayRound, relay_once, run_relay
from modulith.retention import purge_everywhere
from modulith.schedule import LocalJobRunner, beat_installed, context_periodic_jobs, ensure_schedule


class Command(BaseCommand):
    help = "Operate the event kernel: relay, dead, replay, purge, schedule, schemas."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="action")

        relay = actions.add_parser("relay", help="Dispatch pending events and due retries.")
        relay.add_argument("--once", action="store_true", help="One round, then exit.")
        relay.add_argument(
            "--run-periodic",
            action="store_true",
            help="Also run the contexts' periodic jobs in-process (embedded mode has no beat).",
        )
        relay.add_argument("--interval", type=float, help="Seconds to pause when idle.")
        relay.add_argument("--batch-size", type=int, help="Rows claimed per round and database.")
        relay.add_argument(
            "--database", action="append", dest="databases", help="Only this alias (repeatable)."
        )

        dead = actions.add_parser("dead", help="List dead letters.")
        dead.add_argument("--subscription", help="Only this subscription (<context>.<handler>).")

        replay = actions.add_parser("replay", help="Replay dead letters through the inbox.")
        chosen = replay.add_mutually_exclusive_group(required=True)
        chosen.add_argument("--id", type=int, action="append", dest="ids", help="Inbox row id.")
        chosen.add_argument("--subscription", help="Every dead letter of this subscription.")
        chosen.add_argument("--all", action="store_true", dest="everything", help="Every one.")
        replay.add_argument(
            "--database", action="append", dest="databases", help="Only this alias (repeatable)."
        )

        actions.add_parser("purge", help="Delete rows past their retention.")
        actions.add_parser("schedule", help="Register the periodic jobs in celery beat.")

        schemas = actions.add_parser("schemas", help="Check or write the event contracts.")
        mode = schemas.add_mutually_exclusive_group(required=True)
        mode.add_argument("--check", action="store_true", help="Fail if snapshots differ.")
        mode.add_argument("--write", action="store_true", help="Refresh the snapshots.")
        schemas.add_argument(
            "--allow-breaking",
            action="store_true",
            help="With --write: also overwrite snapshots of breaking changes (think twice).",
        )
        schemas.add_argument("--dir", type=Path, help="Snapshot directory (default: settings).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(**options)

    # --- actions -------------------------------------------------------------------------------

    def _relay(
        self,
        *,
        once: bool,
        interval: float | None,
        batch_size: int | None,
        databases: list[str] | None,
        run_periodic: bool = False,
        **_: Any,
    ) -> None:
        if once:
            result = relay_once(databases=databases, batch_size=batch_size)
            self._report_round(result)
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        aliases = databases or database_aliases()
        self.stdout.write(f"relaying events on {', '.join(aliases)} (Ctrl-C stops)")
        local_jobs = LocalJobRunner(context_periodic_jobs() if run_periodic else [])

        def after_round(result: RelayRound) -> None:
            local_jobs.run_due()
            if result.did_work:
                self._report_round(result)

        run_relay(
            stop=stop,
            interval=interval,
            databases=aliases,
            batch_size=batch_size,
            on_round=after_round,
        )
        self.stdout.write("relay stopped")

    def _report_round(self, result: RelayRound) -> None:
        self.stdout.write(
            f"dispatched {result.dispatched} event(s), re-sent {result.retried} retry(s)"
        )

    def _dead(self, *, subscription: str | None, **_: Any) -> None:
        letters = dead_letters(subscription=subscription)
        if not letters:
            self.stdout.write("no dead letters")
            return
        for letter in letters:
            self.stdout.write(
                f"{letter.database}#{letter.id}  {letter.subscription}  {letter.event_type}  "
                f"{letter.event_id}  attempts={letter.attempts}  "
                f"since={letter.received_at:%Y-%m-%d %H:%M:%S}  {letter.last_error}"
            )
        self.stdout.write(f"{len(letters)} dead letter(s)")

    def _replay(
        self,
        *,
        ids: list[int] | None,
        subscription: str | None,
        everything: bool,
        databases: list[str] | None,
        **_: Any,
    ) -> None:
        replayed = replay_dead_letters(
            ids=ids, subscription=subscription, everything=everything, databases=databases
        )
        self.stdout.write(f"replayed {replayed} dead letter(s)")

    def _purge(self, **_: Any) -> None:
        purged = purge_everywhere()
        self.stdout.write(f"deleted {purged.outbox} outbox row(s) and {purged.inbox} inbox row(s)")

    def _schedule(self, **_: Any) -> None:
        if not beat_installed():
            raise CommandError("django_celery_beat is not installed: nothing to schedule.")
        written = ensure_schedule()
        self.stdout.write(
            "\n".join(f"scheduled: {name}" for name in written) or "schedule already up to date"
        )

    def _schemas(
        self,
        *,
        check: bool,
        write: bool,
        allow_breaking: bool,
        dir: Path | None,
        **_: Any,
    ) -> None:
        directory = dir or contracts_dir()
        specs = all_event_specs()
        if write:
            written, report = write_snapshots(specs, directory, allow_breaking=allow_breaking)
            for event_type in written:
                self.stdout.write(f"wrote {directory / event_type}.json")
            if report.breaking and not allow_breaking:
                raise CommandError("\n".join(report.lines()))
            self.stdout.write(f"{len(written)} snapshot(s) written, {len(specs)} event type(s)")
            return
        report = compare_with_snapshots(specs, directory)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("event contracts differ from the committed snapshots")
        self.stdout.write(f"{len(specs)} event contract(s) match {directory}")
