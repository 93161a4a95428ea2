import modulith


class SampleConfig(modulith.ContextConfig):
    name = "tests.modulith.contexts.sample"
    label = "sample"
    verbose_name = "Sample (kernel tests)"
