from modulith import ContextConfig


class NotificationsConfig(ContextConfig):
    name = "contexts.notifications"
    label = "notifications"
    verbose_name = "Notifications"
