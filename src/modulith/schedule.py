"""The kernel's periodic jobs, registered in django-celery-beat's database schedule.

`ensure_schedule()` is idempotent: it creates or corrects the entries and leaves them alone when
they already match, so running it on every `migrate` (post_migrate) or by hand
(`manage.py events schedule`) never makes beat reload for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connections, router

from modulith.settings import modulith_setting
from modulith.tasks import PURGE_TASK, RELAY_TASK


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    every_seconds: int
    description: str


def periodic_jobs() -> list[PeriodicJob]:
    relay_every = int(modulith_setting("RELAY_SCHEDULE_SECONDS", 5))
    purge_every = int(modulith_setting("PURGE_SCHEDULE_SECONDS", 3600))
    return [
        PeriodicJob(
            name="modulith: relay outbox and due retries",
            task=RELAY_TASK,
            every_seconds=relay_every,
            description="Dispatches outbox rows missed after commit and re-sends due retries.",
        ),
        PeriodicJob(
            name="modulith: purge old outbox and inbox rows",
            task=PURGE_TASK,
            every_seconds=purge_every,
            description="Deletes rows past MODULITH OUTBOX_RETENTION / INBOX_RETENTION.",
        ),
    ]


def beat_installed() -> bool:
    return apps.is_installed("django_celery_beat")


def ensure_schedule(*, using: str = "default") -> list[str]:
    """Create or correct the periodic jobs; returns the names of the entries it wrote."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    if not router.allow_migrate_model(using, PeriodicTask):
        return []
    written: list[str] = []
    for job in periodic_jobs():
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
