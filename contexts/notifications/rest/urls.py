from django.urls import URLPattern, URLResolver, path

from contexts.notifications.rest import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.NotificationListView.as_view(), name="notifications-list"),
]
