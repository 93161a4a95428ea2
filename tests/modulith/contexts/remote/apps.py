import modulith


class RemoteConfig(modulith.ContextConfig):
    name = "tests.modulith.contexts.remote"
    label = "remote"
    verbose_name = "Remote (kernel tests: a context with a database of its own)"
