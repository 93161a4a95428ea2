from modulith import ContextConfig


class PaymentsConfig(ContextConfig):
    name = "contexts.payments"
    label = "payments"
    verbose_name = "Payments"
