from modulith import ContextConfig


class ShippingConfig(ContextConfig):
    name = "contexts.shipping"
    label = "shipping"
    verbose_name = "Shipping"
