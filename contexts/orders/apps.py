from modulith import ContextConfig


class OrdersConfig(ContextConfig):
    name = "contexts.orders"
    label = "orders"
    verbose_name = "Orders"
