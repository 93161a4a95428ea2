from django.apps import AppConfig


class TopologyConfig(AppConfig):
    name = "modulith.topology"
    label = "topology"
    verbose_name = "Modulith topology"

    def ready(self) -> None:
        from modulith.topology import startup

        startup.verify_installed_contexts()
        startup.hide_models_held_elsewhere_from_admin()
