import modulith


class ShippingConfig(modulith.ContextConfig):
    name = "contexts.shipping"
    label = "shipping"
    verbose_name = "Shipping"
