from modulith import ContextConfig


class IdentityConfig(ContextConfig):
    name = "contexts.identity"
    label = "identity"
    verbose_name = "Identity"
