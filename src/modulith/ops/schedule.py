"""The kernel's periodic jobs, registered in django-celery-beat's database schedule.

`ensure_schedule()` is idempotent: it creates or corrects the entries and leaves them alone when
they already match, so running it on every `migrate` (post_migrate) or by hand
(`manage.py events schedule`) never makes beat reload for nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.db import connections, router

from modulith.contexts.registry import all_contexts
from modulith.settings import modulith_setting
from modulith.topology.placement import Placement, current_service

# The kernel's periodic tasks (modulith.tasks), by the names beat's schedule and queued messages
# know them by: a task's name must stay the same wherever its code moves.
RELAY_TASK = "modulith.relay"
PURGE_TASK = "modulith.purge"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    every_seconds: int
    description: str
    # The task itself, so the embedded relay loop can run it in-process when there is no beat.
    run: Callable[[], Any] | None = field(default=None, compare=False)
    # The queue beat sends it to: the context's queue, or for the relay and purge the first
    # queue of the service whose database they work on. None: Celery's default queue.
    queue: str | None = None


def context_periodic_jobs(contexts: Iterable[str] | None = None) -> list[PeriodicJob]:
    """Jobs that contexts (all, or those named) declare with `periodic_tasks()` in their tasks
    module; each goes to its context's queue, so it runs in the service hosting the context.

    `periodic_tasks()` returns (name, Celery task, every_seconds) triples.
    """
    wanted = None if contexts is None else set(contexts)
    jobs: list[PeriodicJob] = []
    for context in all_contexts():
        if wanted is not None and context.label not in wanted:
            continue
        module_name = f"{context.name}.tasks"
        if find_spec(module_name) is None:
            continue
        declare = getattr(import_module(module_name), "periodic_tasks", None)
        if declare is None:
            continue
        for name, task, every_seconds in declare():
            jobs.append(
                PeriodicJob(
                    name=f"{context.label}: {name}",
                    task=task.name,
                    every_seconds=int(every_seconds),
                    description=(task.__doc__ or "").strip().splitlines()[0]
                    if task.__doc__
                    else "",
                    run=task,
                    queue=context.queue,
                )
            )
    return sorted(jobs, key=lambda job: job.name)


class LocalJobRunner:
    """Runs context periodic jobs in this process at their intervals (embedded mode: no beat)."""

    def __init__(self, jobs: list[PeriodicJob]) -> None:
        self.jobs = [job for job in jobs if job.run is not None]
        self.last_run: dict[str, float] = {}

    def run_due(self) -> int:
        ran = 0
        now = time.monotonic()
        for job in self.jobs:
            if now - self.last_run.get(job.name, float("-inf")) < job.every_seconds:
                continue
            self.last_run[job.name] = now
            try:
                assert job.run is not None
                job.run()
                ran += 1
            except Exception:
                # One failing job must not stop the relay or the other jobs; it runs again later.
                logger.exception("periodic job %s failed", job.name)
        return ran


def kernel_periodic_jobs(*, prefix: str = "", queue: str | None = None) -> list[PeriodicJob]:
    """The relay and the purge of one database (the one of the worker that runs them)."""
    relay_every = int(modulith_setting("RELAY_SCHEDULE_SECONDS", 5))
    purge_every = int(modulith_setting("PURGE_SCHEDULE_SECONDS", 3600))
    return [
        PeriodicJob(
            name=f"modulith{prefix}: relay outbox and due retries",
            task=RELAY_TASK,
            every_seconds=relay_every,
            description="Dispatches outbox rows missed after commit and re-sends due retries.",
            queue=queue,
        ),
        PeriodicJob(
            name=f"modulith{prefix}: purge old outbox and inbox rows",
            task=PURGE_TASK,
            every_seconds=purge_every,
            description="Deletes rows past MODULITH OUTBOX_RETENTION / INBOX_RETENTION.",
            queue=queue,
        ),
    ]


def periodic_jobs(placement: Placement | None = None) -> list[PeriodicJob]:
    """Every periodic job of the deployment: per service, the relay and purge of its database on
    its first queue; per context, its own jobs on its queue (the current placement by default)."""
    view = current_service()
    if placement is None and view is not None:
        placement = view.placement
    if placement is None:
        return [*kernel_periodic_jobs(), *context_periodic_jobs()]
    services = placement.views
    kernel = [
        job
        for service in services
        for job in kernel_periodic_jobs(
            prefix=f" [{service.name}]" if len(services) > 1 else "", queue=service.home_queue
        )
    ]
    return [*kernel, *context_periodic_jobs()]


def beat_installed() -> bool:
    return apps.is_installed("django_celery_beat")


def ensure_schedule(*, using: str = "default") -> list[str]:
    """Create or correct the periodic jobs; returns the names of the entries it wrote."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    if not router.allow_migrate_model(using, PeriodicTask):
        return []
    written: list[str] = []
    jobs = periodic_jobs()
    # The kernel's entries are named per service: those of another topology's services go.
    stale = PeriodicTask.objects.using(using).filter(task__in=(RELAY_TASK, PURGE_TASK))
    for name in stale.exclude(name__in=[job.name for job in jobs]).values_list("name", flat=True):
        PeriodicTask.objects.using(using).filter(name=name).delete()
        written.append(name)
    for job in jobs:
        interval, _ = IntervalSchedule.objects.using(using).get_or_create(
            every=job.every_seconds, period=IntervalSchedule.SECONDS
        )
        wanted: dict[str, Any] = {
            "task": job.task,
            "interval": interval,
            "enabled": True,
            # A tick nobody consumed in time is useless: the next one does the same work.
            "expire_seconds": job.every_seconds,
            "description": job.description,
            "queue": job.queue,
        }
        entry = PeriodicTask.objects.using(using).filter(name=job.name).first()
        if entry is None:
            PeriodicTask.objects.using(using).create(name=job.name, **wanted)
            written.append(job.name)
            continue
        changed = {key: value for key, value in wanted.items() if getattr(entry, key) != value}
        if changed:
            for key, value in changed.items():
                setattr(entry, key, value)
            entry.save(using=using)
            written.append(job.name)
    return written


def ensure_schedule_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver (infrastructure, not domain logic): keep the schedule in place."""
    if not beat_installed():
        return
    from django_celery_beat.models import PeriodicTask

    # `migrate <some app>` may run before beat's own tables exist.
    if PeriodicTask._meta.db_table in connections[using].introspection.table_names():
        ensure_schedule(using=using)
