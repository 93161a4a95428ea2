"""Stateless JWT authentication for every context. PLACEHOLDER: completed by the identity work."""

from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication


class StatelessJWTAuthentication(JWTStatelessUserAuthentication):
    pass
