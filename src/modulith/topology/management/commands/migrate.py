"""`migrate`, refusing an app whose tables live in another service's database.

A plain `migrate` skips those apps (the topology's router allows only this service's apps);
naming one (`migrate payments` in the shop service) is a mistake worth stopping: it would record
the migrations as applied here without creating anything.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrateCommand

from modulith.topology.guard import not_hosted_message
from modulith.topology.placement import current_service


class Command(DjangoMigrateCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        app_label = options.get("app_label")
        view = current_service()
        if app_label and view is not None and not view.holds_app(app_label):
            raise CommandError(not_hosted_message(view, app_label, "migrate"))
        super().handle(*args, **options)
