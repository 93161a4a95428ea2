import modulith


class IdentityConfig(modulith.ContextConfig):
    name = "contexts.identity"
    label = "identity"
    verbose_name = "Identity"
