import modulith


class OrdersConfig(modulith.ContextConfig):
    name = "contexts.orders"
    label = "orders"
    verbose_name = "Orders"
