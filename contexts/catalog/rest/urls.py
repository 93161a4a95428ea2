from django.urls import URLPattern, URLResolver, include, path

from contexts.catalog.rest import views

# One product, by the sku in its URL: reading and changing it, retiring and publishing it.
product_patterns: list[URLPattern | URLResolver] = [
    path("", views.ProductItemView.as_view(), name="catalog-product"),
    path("retire/", views.ProductRetireView.as_view(), name="catalog-product-retire"),
    path("publish/", views.ProductPublishView.as_view(), name="catalog-product-publish"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("products/", views.ProductCollectionView.as_view(), name="catalog-products"),
    path("products/<str:sku>/", include(product_patterns)),
]
