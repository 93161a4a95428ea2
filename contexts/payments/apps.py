import modulith


class PaymentsConfig(modulith.ContextConfig):
    name = "contexts.payments"
    label = "payments"
    verbose_name = "Payments"
