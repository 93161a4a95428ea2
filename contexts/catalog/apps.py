import modulith
from modulith.contexts.caching import invalidate_after_migrate


class CatalogConfig(modulith.ContextConfig):
    name = "contexts.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        super().ready()
        # What migrations write, or a database migrated afresh, is no cached entry's.
        from contexts.catalog.caching import PRODUCTS, catalog_cache

        invalidate_after_migrate(catalog_cache, PRODUCTS, app_config=self)
