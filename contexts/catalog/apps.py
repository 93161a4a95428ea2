import modulith


class CatalogConfig(modulith.ContextConfig):
    name = "contexts.catalog"
    label = "catalog"
    verbose_name = "Catalog"
