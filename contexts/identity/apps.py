import modulith


class IdentityConfig(modulith.ContextConfig):
    name = "contexts.identity"
    label = "identity"
    verbose_name = "Identity"

    def ready(self) -> None:
        super().ready()
        from contexts.identity import checks  # noqa: F401  (registers the system checks)
