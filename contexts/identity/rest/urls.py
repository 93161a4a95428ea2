from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []

# Served at /.well-known/ by config.urls (the JWK Set).
well_known_urlpatterns: list[URLPattern | URLResolver] = []
