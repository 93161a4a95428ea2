from django.urls import URLPattern, URLResolver, path

from contexts.catalog.rest import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("products/", views.ProductCollectionView.as_view(), name="catalog-products"),
    path("products/<str:sku>/", views.ProductItemView.as_view(), name="catalog-product"),
    path(
        "products/<str:sku>/retire/",
        views.ProductRetireView.as_view(),
        name="catalog-product-retire",
    ),
    path(
        "products/<str:sku>/publish/",
        views.ProductPublishView.as_view(),
        name="catalog-product-publish",
    ),
]
