from django.urls import URLPattern, URLResolver, path

from contexts.inventory.rest import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("stock/", views.StockListView.as_view(), name="inventory-stock"),
    path("stock/<str:sku>/", views.StockAvailabilityView.as_view(), name="inventory-stock-item"),
    path(
        "stock/<str:sku>/adjustments/",
        views.StockAdjustmentsView.as_view(),
        name="inventory-stock-adjustments",
    ),
]
