from django.urls import URLPattern, URLResolver, path

from contexts.orders.rest import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.OrderCollectionView.as_view(), name="orders"),
    path("<uuid:order_id>/", views.OrderItemView.as_view(), name="orders-order"),
    path("<uuid:order_id>/cancel/", views.OrderCancelView.as_view(), name="orders-order-cancel"),
]
