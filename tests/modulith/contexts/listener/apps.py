import modulith


class ListenerConfig(modulith.ContextConfig):
    name = "tests.modulith.contexts.listener"
    label = "listener"
    verbose_name = "Listener (kernel tests)"
