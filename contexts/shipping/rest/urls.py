from django.urls import URLPattern, URLResolver, path

from contexts.shipping.rest import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("quotes/", views.QuoteView.as_view(), name="shipping-quotes"),
    path("shipments/", views.ShipmentListView.as_view(), name="shipping-shipments"),
    path(
        "shipments/<uuid:shipment_id>/",
        views.ShipmentDetailView.as_view(),
        name="shipping-shipment",
    ),
    path(
        "shipments/<uuid:shipment_id>/dispatch/",
        views.ShipmentDispatchView.as_view(),
        name="shipping-shipment-dispatch",
    ),
    path(
        "shipments/<uuid:shipment_id>/deliver/",
        views.ShipmentDeliverView.as_view(),
        name="shipping-shipment-deliver",
    ),
]
