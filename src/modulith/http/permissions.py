"""Permissions from the `roles` claim of the access token: no database query, in any context.

class ProductCreateView(APIView):
    permission_classes = [IsStaff]
"""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from modulith.http.authentication import Role


class HasRole(BasePermission):
    """Grants access to an authenticated principal whose token carries `role`.

    Anonymous requests get 401 (DRF asks the authenticator for a challenge), others 403.
    """

    role: ClassVar[str]

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        has_role = getattr(user, "has_role", None)
        return bool(has_role and has_role(self.role))


class IsStaff(HasRole):
    message = "This operation is for staff only."
    role = Role.STAFF


class IsCustomer(HasRole):
    message = "This operation is for customers only."
    role = Role.CUSTOMER
