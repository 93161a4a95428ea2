from django.urls import URLPattern, URLResolver, include, path

from contexts.shipping.rest import views

# One shipment, by the id in its URL: tracking it, dispatching and delivering it.
shipment_patterns: list[URLPattern | URLResolver] = [
    path("", views.ShipmentDetailView.as_view(), name="shipping-shipment"),
    path("dispatch/", views.ShipmentDispatchView.as_view(), name="shipping-shipment-dispatch"),
    path("deliver/", views.ShipmentDeliverView.as_view(), name="shipping-shipment-deliver"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("quotes/", views.QuoteView.as_view(), name="shipping-quotes"),
    path("shipments/", views.ShipmentListView.as_view(), name="shipping-shipments"),
    path("shipments/<uuid:shipment_id>/", include(shipment_patterns)),
]
