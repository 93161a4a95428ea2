import modulith


class NotificationsConfig(modulith.ContextConfig):
    name = "contexts.notifications"
    label = "notifications"
    verbose_name = "Notifications"
