from django.urls import URLPattern, URLResolver, path

from contexts.payments.rest import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.PaymentListView.as_view(), name="payments-list"),
    path("methods/", views.PaymentMethodCollectionView.as_view(), name="payments-methods"),
    path("<uuid:payment_id>/", views.PaymentDetailView.as_view(), name="payments-detail"),
]
