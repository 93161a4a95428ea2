from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ModulithConfig(AppConfig):
    name = "modulith"
    verbose_name = "Modulith events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Importing registers the system checks (modulith.E0xx), the Celery tasks and the event
        # transports. Here, not at the top: they import models, which need the app registry.
        from modulith import checks, guards, tasks  # noqa: F401
        from modulith.events.transports import celery, inprocess  # noqa: F401
        from modulith.ops.schedule import ensure_schedule_after_migrate

        # After migrate (beat's tables exist by then) the periodic jobs are put in place.
        # The run-time boundary guards: on under DEBUG, or when MODULITH["GUARDS"] says so.
        if guards.wanted():
            guards.install()
        post_migrate.connect(
            ensure_schedule_after_migrate, sender=self, dispatch_uid="modulith.ensure_schedule"
        )
