"""Obtaining an API token (checking it: reporting.api.authentication)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from reporting.api.serializers import (
    VALIDATION_ERROR_SCHEMA,
    ErrorDetailSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from units.cache_fallback import cache
from units.client import client_ip
from units.lockout import lockout_response


class TokenThrottle(ScopedRateThrottle):
    """ScopedRateThrottle with the scope fixed to "token", counting per trusted client address.

    A function view cannot carry `throttle_scope`, and the rate is read from
    settings on every request (DRF binds it once at import), so that a
    deployment or a test can change REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].
    The client is the portal's one client address (units.client.client_ip:
    X-Forwarded-For only from TRUSTED_PROXY_COUNT proxies), so a forged header
    is not a new client; the counts live in the shared cache, or in this
    process while it fails (units.cache_fallback), never a 500.
    """

    scope_name = "token"
    cache = cache

    def get_ident(self, request):
        return client_ip(request) or "unknown"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope_name]

    def allow_request(self, request, view):
        self.scope = self.scope_name
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super(ScopedRateThrottle, self).allow_request(request, view)


@extend_schema(
    operation_id="auth_token_create",
    summary=gettext_lazy("Lấy token API"),
    description=gettext_lazy("Đổi tên đăng nhập và mật khẩu lấy token; gửi kèm mọi yêu cầu sau dưới dạng "
    "`Authorization: Token <token>`. Giới hạn số lần thử (429)."),
    request=TokenRequestSerializer,
    responses={
        200: TokenSerializer,
        400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=gettext_lazy("Thiếu trường hoặc sai tên đăng nhập / mật khẩu.")),
        429: OpenApiResponse(ErrorDetailSerializer, description=gettext_lazy("Quá nhiều lần thử; thử lại sau.")),
    },
    auth=[],
    tags=["auth"],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([TokenThrottle])
def token_obtain(request):
    serializer = TokenRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    user = authenticate(
        request=request._request,
        username=serializer.validated_data["username"],
        password=serializer.validated_data["password"],
    )
    if getattr(request._request, "axes_locked_out", False):
        return lockout_response(request._request)
    if user is None:
        return Response(
            {"non_field_errors": [_("Tên đăng nhập hoặc mật khẩu không đúng.")]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    token, _created = Token.objects.get_or_create(user=user)
    return Response(TokenSerializer({"token": token.key}).data)
