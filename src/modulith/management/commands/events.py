"""`manage.py events <action>`: operate the event kernel.

relay     dispatch pending outbox rows and run due retries, in a loop (or --once)
dead      list dead letters
replay    replay dead letters: --id N [--id M …] | --subscription NAME | --all [--dry-run]
purge     delete dispatched outbox rows and processed inbox rows past their retention
schedule  register the periodic jobs (relay, purge) in django-celery-beat, idempotently
schemas   --check the event contracts under contracts/events/, or --write them
"""

from __future__ import annotations

import json
import signal
import threading
from argparse import SUPPRESS, Action, ArgumentParser, RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modulith.contexts.registry import database_aliases, local_contexts
from modulith.events.contracts import compare_with_snapshots, contracts_dir, write_snapshots
from modulith.events.declaration import all_event_specs
from modulith.events.recovery.deadletters import DeadLetter, dead_letters, replay_dead_letters
from modulith.events.recovery.dryrun import dry_run_inbox_row
from modulith.events.recovery.relay import RelayRound, relay_once, run_relay
from modulith.events.recovery.retention import purge_everywhere
from modulith.events.subscriptions import (
    UnknownSubscriptionError,
    all_subscriptions,
    get_subscription,
)
from modulith.ops.schedule import (
    LocalJobRunner,
    beat_installed,
    context_periodic_jobs,
    ensure_schedule,
)
from modulith.settings import kernel_settings


class _HelpFormatter(RawDescriptionHelpFormatter):
    """Keeps the description's line breaks and shows each option's default, when it has one."""

    def _get_help_string(self, action: Action) -> str | None:
        text = action.help or ""
        if action.default in (None, False, SUPPRESS) or "%(default)" in text:
            return text
        return f"{text} (default: %(default)s)"


def _every_database() -> str:
    return f"(default: every database: {', '.join(database_aliases())})"


class Command(BaseCommand):
    help = "Operate the event kernel: relay, dead, replay, purge, schedule, schemas."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="action")

        def action(name: str, summary: str, description: str) -> ArgumentParser:
            return actions.add_parser(
                name,
                help=summary,
                description=f"{summary}\n\n{description}",
                formatter_class=_HelpFormatter,
            )

        config = kernel_settings()
        relay = action(
            "relay",
            "Dispatch pending events and due retries.",
            "Runs in a loop until Ctrl-C or SIGTERM (or one round with --once). Embedded mode\n"
            "(make run) needs it; with celery beat, beat runs the same job every few seconds.",
        )
        relay.add_argument("--once", action="store_true", help="One round, then exit.")
        relay.add_argument(
            "--run-periodic",
            action="store_true",
            help="Also run the contexts' periodic jobs in-process (embedded mode has no beat).",
        )
        relay.add_argument(
            "--interval",
            type=float,
            default=config.relay_interval,
            help="Seconds to pause when a round found nothing to do.",
        )
        relay.add_argument(
            "--batch-size",
            type=int,
            default=config.relay_batch_size,
            help="Rows claimed per round and database.",
        )
        relay.add_argument(
            "--database",
            action="append",
            dest="databases",
            help=f"Only this database alias; repeatable {_every_database()}.",
        )

        dead = action(
            "dead",
            "List dead letters.",
            "One line per delivery that failed for good: database#id, subscription, event type,\n"
            "event id, attempts, since when, and the last error. Replay them with `replay`.",
        )
        dead.add_argument(
            "--subscription",
            help="Only this subscription, <context>.<handler> (default: every subscription).",
        )

        replay = action(
            "replay",
            "Replay dead letters through the inbox.",
            "Each chosen dead letter becomes a retry that is due now, with a fresh attempt\n"
            "budget, and is sent again at once. Choose them by --id, --subscription or --all.\n"
            "An id or subscription that matches no dead letter is an error. --dry-run answers\n"
            "'would replaying work now?' without replaying.",
        )
        chosen = replay.add_mutually_exclusive_group(required=True)
        chosen.add_argument(
            "--id",
            type=int,
            action="append",
            dest="ids",
            help="Inbox row id, as `dead` lists it; repeatable.",
        )
        chosen.add_argument("--subscription", help="Every dead letter of this subscription.")
        chosen.add_argument("--all", action="store_true", dest="everything", help="Every one.")
        replay.add_argument(
            "--database",
            action="append",
            dest="databases",
            help=f"Only this database alias; repeatable {_every_database()}.",
        )
        replay.add_argument(
            "--dry-run",
            action="store_true",
            help="Run the current handler on each chosen dead letter in a transaction that is "
            "rolled back, and show what it would write and publish, or the error it raises now. "
            "Replays nothing; exits 1 if any would fail or reaches a call outside the databases.",
        )

        action(
            "purge",
            "Delete rows past their retention.",
            "Dispatched outbox rows older than OUTBOX_RETENTION_DAYS and processed inbox rows\n"
            "older than INBOX_RETENTION_DAYS, on every database.",
        )
        action(
            "schedule",
            "Register the periodic jobs in celery beat.",
            "Writes the relay, purge and context jobs into django-celery-beat's tables;\n"
            "idempotent (migrate does it too).",
        )

        schemas = action(
            "schemas",
            "Check or write the event contracts.",
            "Compares each event's JSON Schema with its committed snapshot; an incompatible\n"
            "change needs a new event version.",
        )
        mode = schemas.add_mutually_exclusive_group(required=True)
        mode.add_argument("--check", action="store_true", help="Fail if snapshots differ.")
        mode.add_argument("--write", action="store_true", help="Refresh the snapshots.")
        schemas.add_argument(
            "--allow-breaking",
            action="store_true",
            help="With --write: also overwrite snapshots of breaking changes (think twice).",
        )
        schemas.add_argument(
            "--dir", type=Path, help="Snapshot directory (default: contracts/events/)."
        )

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
        _known_databases(databases)
        if once:
            result = relay_once(databases=databases, batch_size=batch_size)
            self._report_round(result)
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        aliases = databases or database_aliases()
        self.stdout.write(f"relaying events on {', '.join(aliases)} (Ctrl-C stops)")
        # Only the jobs of the contexts this service hosts: the others run where they live.
        hosted = [context.label for context in local_contexts()]
        local_jobs = LocalJobRunner(context_periodic_jobs(hosted) if run_periodic else [])

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
        if subscription is not None:
            _known_subscription(subscription)
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
        dry_run: bool = False,
        **_: Any,
    ) -> None:
        _known_databases(databases)
        if subscription is not None:
            _known_subscription(subscription)
        if ids is not None:
            found = {letter.id for letter in dead_letters(ids=ids, databases=databases)}
            missing = sorted(set(ids) - found)
            if missing:
                raise CommandError(
                    f"no dead letter has id {', '.join(map(str, missing))}: nothing replayed "
                    "(`manage.py events dead` lists them)"
                )
        if dry_run:
            self._dry_run(dead_letters(ids=ids, subscription=subscription, databases=databases))
            return
        replayed = replay_dead_letters(
            ids=ids, subscription=subscription, everything=everything, databases=databases
        )
        self.stdout.write(f"replayed {replayed} dead letter(s)")

    def _dry_run(self, letters: list[DeadLetter]) -> None:
        failed = 0
        for letter in letters:
            result = dry_run_inbox_row(id=letter.id, database=letter.database)
            if result.skipped_call:
                verdict = f"UNKNOWN, stopped before {result.skipped_call}"
            else:
                verdict = "would succeed" if result.succeeded else "would FAIL"
            self.stdout.write(
                f"{letter.database}#{letter.id}  {letter.subscription}  {letter.event_type}: "
                f"{verdict}; {len(result.writes)} write(s), "
                f"{len(result.published)} event(s) published"
            )
            for write in result.writes:
                self.stdout.write(f"  write on {write.database}: {write.sql}  {write.params}")
            for envelope in result.published:
                self.stdout.write(f"  publish {envelope['type']}: {json.dumps(envelope['data'])}")
            if result.error:
                self.stdout.write(f"  error: {result.error}")
            if not result.succeeded:
                failed += 1
        self.stdout.write(f"dry run of {len(letters)} dead letter(s); nothing was replayed")
        if failed:
            raise CommandError(f"{failed} of {len(letters)} dry run(s) failed or stopped early")

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


def _known_subscription(name: str) -> None:
    try:
        get_subscription(name)
    except UnknownSubscriptionError:
        known = ", ".join(sub.name for sub in all_subscriptions())
        raise CommandError(f"no subscription is named {name!r}; known: {known}") from None


def _known_databases(aliases: list[str] | None) -> None:
    unknown = sorted(set(aliases or ()) - set(database_aliases()))
    if unknown:
        raise CommandError(
            f"no database alias {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(database_aliases())}"
        )
