from django.urls import URLPattern, URLResolver, path

from contexts.identity.rest import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("register/", views.RegisterView.as_view(), name="identity-register"),
    path("token/", views.TokenObtainView.as_view(), name="identity-token"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="identity-token-refresh"),
    path("logout/", views.LogoutView.as_view(), name="identity-logout"),
    path("me/", views.MeView.as_view(), name="identity-me"),
]

# Served at /.well-known/ by config.urls (the JWK Set).
well_known_urlpatterns: list[URLPattern | URLResolver] = [
    path("jwks.json", views.JWKSetView.as_view(), name="jwks"),
]
