import modulith
from modulith.contexts.caching import invalidate_after_migrate


class ShippingConfig(modulith.ContextConfig):
    name = "contexts.shipping"
    label = "shipping"
    verbose_name = "Shipping"

    def ready(self) -> None:
        super().ready()
        # What migrations write, or a database migrated afresh, is no cached entry's.
        from contexts.shipping.caching import RATES, shipping_cache

        invalidate_after_migrate(shipping_cache, RATES, app_config=self)
