"""`GET /api/v1/auth/whoami/`: who the token belongs to.

Lets an integrating system check its token before it sends reports. It reads
nothing beyond what authentication already loaded, which also makes it the
benchmark's measure of the cheapest authenticated request (issue 7).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from reporting.api.serializers import ErrorDetailSerializer


class WhoamiSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField(help_text=gettext_lazy("reporter, reviewer, viewer hoặc admin."))


@extend_schema(
    operation_id="auth_whoami",
    summary=gettext_lazy("Tài khoản của token"),
    description=gettext_lazy("Tên đăng nhập và vai trò của người gọi — để kiểm tra token trước khi gửi báo cáo."),
    responses={
        200: WhoamiSerializer,
        401: OpenApiResponse(ErrorDetailSerializer, description=gettext_lazy("Chưa xác thực (thiếu hoặc sai token).")),
    },
    tags=["auth"],
)
@api_view(["GET"])
def whoami(request):
    return Response(WhoamiSerializer({"username": request.user.username, "role": request.user.role}).data)
