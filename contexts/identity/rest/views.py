"""HTTP endpoints of the identity context: one APIView per operation, one domain call each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from contexts.identity import selectors, services
from modulith.http.authentication import jwk_set, request_principal
from modulith.http.inputs import StrictInput
from modulith.http.problems import ProblemError, Unprocessable
from modulith.http.schema import extend_schema, extend_schema_view

V = TypeVar("V")

TAGS = ["identity"]
NOT_ALL_DIGITS = r"^[^\x00]*[^0-9\x00][^\x00]*$"
# The addresses registration takes: a dot-atom local part and a host name with a top-level
# domain of 2 to 63 letters. Every one of them passes Django's EmailValidator too, so the
# schema's pattern is exactly what the server accepts (JSON Schema's "email" format is looser:
# it admits "0@0.a", which Django refuses).
EMAIL_PATTERN = (
    r"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\Z"
)

# Error responses these views answer beyond those modulith.http.openapi infers (it adds the body).
THROTTLED = OpenApiResponse(description="Too many attempts; retry after Retry-After seconds.")
BAD_CREDENTIALS = OpenApiResponse(description="No active account has this email and password.")
EMAIL_TAKEN = OpenApiResponse(
    description="An account with this email address exists (problem+json, type "
    "/problems/email-taken)."
)
WEAK_PASSWORD = OpenApiResponse(
    description="The password is one of the common passwords, or too close to the email "
    "address or name: rules beyond what the schema can state (problem+json, type "
    "/problems/unprocessable-input, the reasons under errors on password)."
)
BAD_REFRESH_TOKEN = OpenApiResponse(
    description="The refresh token is invalid, expired, already used or revoked."
)

# The 401's code for each way the services refuse the credentials in a body.
REFUSALS: dict[type[Exception], str] = {
    services.InvalidCredentials: "invalid_credentials",
    services.RefreshTokenRejected: "token_not_valid",
}


class CredentialsInBody(APIView):
    """An endpoint that authenticates by what the body carries (password, refresh token).

    It ignores any Authorization header, so a client holding an expired access token can still log
    in, refresh or log out; it still answers 401 (not 403) with a Bearer challenge.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'

    def exchange(self, request: Request, service: Callable[..., Any]) -> Any:
        """What `service` returns for the validated body (`self.Input`); 401 when it refuses the
        credentials, worded as its exception's message, with that refusal's code."""
        data = self.Input(data=request.data)  # type: ignore[attr-defined]
        data.is_valid(raise_exception=True)
        try:
            return service(**data.validated_data)
        except tuple(REFUSALS) as error:
            raise AuthenticationFailed(str(error), code=REFUSALS[type(error)]) from error


@extend_schema_serializer(component_name="TokenPair")
class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField(help_text="RS256 access token; send as 'Authorization: Bearer'.")
    refresh = serializers.CharField(
        help_text="Refresh token: single use, rotated by token/refresh/."
    )


class RegisterView(CredentialsInBody):
    throttle_scope = "register"

    @extend_schema_serializer(component_name="RegistrationInput")
    class Input(StrictInput):
        # The pattern alone, not an EmailField: Django's validator would add the looser "email"
        # format to the schema, and every address the pattern takes passes it anyway.
        # Untrimmed, and \Z rather than $ (which lets a final newline through): the schema's
        # pattern, where $ ends the string, is exactly what is taken.
        email = serializers.RegexField(
            EMAIL_PATTERN,
            max_length=254,
            trim_whitespace=False,
            error_messages={"invalid": "Enter a valid email address."},
            help_text="Such as grace@example.com.",
        )
        # The password policy as far as a schema can state it (AUTH_PASSWORD_VALIDATORS: at
        # least 8 characters, not all digits); the service also refuses common passwords and
        # ones too close to the email or name, which no schema can say.
        password = serializers.CharField(
            write_only=True,
            trim_whitespace=False,
            min_length=8,
            max_length=512,
            # One character that is not a digit, and no U+0000 anywhere (see NO_NUL_PATTERN).
            validators=[RegexValidator(NOT_ALL_DIGITS, "The password must not be all digits.")],
            style={"input_type": "password"},
            help_text="At least 8 characters, not all digits, not a common password, not "
            "close to the email address or name.",
        )
        name = serializers.CharField(max_length=150)

    @extend_schema_serializer(component_name="RegisteredUser")
    class Output(serializers.Serializer):
        id = serializers.UUIDField()
        # A string, not the "email" format: format checkers cap the local part at 64 characters,
        # which registration's pattern does not.
        email = serializers.CharField(help_text="As registered.")
        name = serializers.CharField()
        date_joined = serializers.DateTimeField()

    @extend_schema(
        operation_id="identity_register",
        summary="Create a customer account",
        description="Log in afterwards with POST /api/identity/token/; no token is returned here.",
        request=Input,
        responses={201: Output, 409: EMAIL_TAKEN, 422: WEAK_PASSWORD, 429: THROTTLED},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = services.user_register(**data.validated_data)
        except services.EmailAlreadyRegistered as error:
            # The state of the server, not the request's shape, refuses it: a conflict.
            raise ProblemError(
                status=status.HTTP_409_CONFLICT,
                problem_type="/problems/email-taken",
                title="Email address taken",
                detail="An account with this email address already exists.",
            ) from error
        except services.WeakPassword as error:
            raise Unprocessable({"password": error.messages}, code="password_too_weak") from error
        return Response(self.Output(user).data, status=status.HTTP_201_CREATED)


# POST: the access and refresh token pair `service` issues for the credentials in the body. No
# docstring: drf-spectacular describes an operation by the first docstring up its view's classes,
# and logging in is described by CredentialsInBody's (contracts/openapi/identity.json).
class TokenPairView(CredentialsInBody):
    throttle_scope = "token"
    service: ClassVar[Callable[..., Any]]

    def post(self, request: Request) -> Response:
        return Response(TokenPairOutput(self.exchange(request, type(self).service)).data)


def token_pair_operation(
    operation_id: str, summary: str, refused: OpenApiResponse, **schema: Any
) -> Callable[[type[V]], type[V]]:
    """Describe a TokenPairView's POST: its body is the view's Input, its answer a token pair,
    or 401 as `refused` says; `schema` adds extend_schema's other arguments."""

    def describe(view: type[V]) -> type[V]:
        responses = {200: TokenPairOutput, 401: refused, 429: THROTTLED}
        operation = extend_schema(
            operation_id=operation_id,
            summary=summary,
            request=view.Input,  # type: ignore[attr-defined]
            responses=responses,
            tags=TAGS,
            **schema,
        )
        return extend_schema_view(post=operation)(view)

    return describe


@token_pair_operation(
    "identity_token_obtain",
    "Log in: exchange email and password for an access and a refresh token",
    BAD_CREDENTIALS,
)
class TokenObtainView(TokenPairView):
    service = services.token_pair_obtain

    @extend_schema_serializer(component_name="TokenObtainInput")
    class Input(StrictInput):
        email = serializers.CharField(max_length=254)
        password = serializers.CharField(
            write_only=True, trim_whitespace=False, max_length=512, style={"input_type": "password"}
        )


@token_pair_operation(
    "identity_token_refresh",
    "Exchange a refresh token for a new pair",
    BAD_REFRESH_TOKEN,
    description="The refresh token presented is revoked: using it again answers 401.",
)
class TokenRefreshView(TokenPairView):
    service = services.token_pair_refresh

    @extend_schema_serializer(component_name="TokenRefreshInput")
    class Input(StrictInput):
        # Untrimmed: a token of blanks is a wrong token (401), not a blank field (400).
        refresh = serializers.CharField(trim_whitespace=False)


class LogoutView(CredentialsInBody):
    throttle_scope = "token"

    @extend_schema_serializer(component_name="LogoutInput")
    class Input(StrictInput):
        # Untrimmed: a token of blanks is a wrong token (401), not a blank field (400).
        refresh = serializers.CharField(trim_whitespace=False)

    @extend_schema(
        operation_id="identity_logout",
        summary="Log out: revoke a refresh token",
        description="Access tokens already issued stay valid until they expire (10 minutes).",
        request=Input,
        responses={
            204: OpenApiResponse(description="The refresh token is revoked."),
            401: BAD_REFRESH_TOKEN,
            429: THROTTLED,
        },
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        self.exchange(request, services.token_revoke)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema_serializer(component_name="CurrentUser")
    class Output(serializers.Serializer):
        id = serializers.UUIDField()
        # A string, not the "email" format: format checkers cap the local part at 64 characters,
        # which registration's pattern does not.
        email = serializers.CharField(help_text="As registered.")
        name = serializers.CharField()
        is_staff = serializers.BooleanField()
        roles = serializers.ListField(child=serializers.CharField())
        date_joined = serializers.DateTimeField()

    @extend_schema(
        operation_id="identity_me",
        summary="The account of the access token",
        responses={
            200: Output,
            401: OpenApiResponse(
                description="No valid access token, or the account was deactivated since."
            ),
            404: OpenApiResponse(description="The account was deleted after the token was issued."),
        },
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        user = selectors.user_get(user_id=request_principal(request).id)
        if user is None:
            # The token outlived its account (deleted since it was issued).
            raise NotFound("This account no longer exists.")
        if not user.is_active:
            # Deactivated since the token was issued: this view reads the row, so it can tell.
            raise AuthenticationFailed("This account is deactivated.", code="user_inactive")
        return Response(self.Output(user).data)


@extend_schema_serializer(component_name="JsonWebKey")
class _JsonWebKey(serializers.Serializer):
    kty = serializers.CharField()
    use = serializers.CharField()
    alg = serializers.CharField()
    kid = serializers.CharField(
        help_text="RFC 7638 thumbprint; the kid header of the tokens it signs."
    )
    n = serializers.CharField()
    e = serializers.CharField()


class JWKSetView(APIView):
    """The public keys that verify access tokens, for services that verify them on their own."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema_serializer(component_name="JsonWebKeySet")
    class Output(serializers.Serializer):
        keys = _JsonWebKey(many=True)

    @extend_schema(
        operation_id="identity_jwks",
        summary="JSON Web Key Set (RFC 7517) of the access-token signing keys",
        responses={200: Output},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        response = Response(self.Output(jwk_set()).data)
        # Verifiers may cache it: one that meets an unknown kid fetches the set again.
        response["Cache-Control"] = "public, max-age=300"
        return response
