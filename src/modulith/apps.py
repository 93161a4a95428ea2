from django.apps import AppConfig


class ModulithConfig(AppConfig):
    name = "modulith"
    verbose_name = "Modulith events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the system checks (modulith.E0xx) and the Celery delivery task.
        from modulith import checks, tasks  # noqa: F401
