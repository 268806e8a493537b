"""Units API: the units the caller may see (units.access decides which)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from reporting.api.serializers import (
    VALIDATION_ERROR_SCHEMA,
    ErrorDetailSerializer,
    UnitListQuerySerializer,
    UnitSerializer,
)
from units.access import units_readable_by
from units.models import Unit, User
from units.paths import unit_code_possible


def unit_readable(*, user: User, code: str) -> Unit | None:
    """The unit with `code` if the user may read it; None whether it is missing or out of reach.

    Both cases answer the same, so that nobody learns which codes exist
    outside their scope. Codes no unit can have (too long, NUL bytes) are not
    sent to the database at all.
    """
    if not unit_code_possible(code):
        return None
    return units_readable_by(user=user).filter(code=code).select_related("parent").first()


def not_in_scope_message(code: str) -> str:
    return _("Không tìm thấy đơn vị mã “%(code)s” trong phạm vi của bạn.") % {"code": code}


@extend_schema(
    operation_id="units_list",
    summary=gettext_lazy("Danh sách đơn vị"),
    description=gettext_lazy("Các đơn vị người gọi được xem (đơn vị của mình và cấp dưới; cán bộ Sở TT&TT và lãnh đạo: tất cả)."),
    parameters=[UnitListQuerySerializer],
    responses={
        200: UnitSerializer(many=True),
        400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=gettext_lazy("`kind` hoặc `parent` không hợp lệ.")),
        401: OpenApiResponse(ErrorDetailSerializer, description=gettext_lazy("Chưa xác thực.")),
    },
    tags=["units"],
)
@api_view(["GET"])
def unit_list(request):
    query = UnitListQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    units = units_readable_by(user=request.user).select_related("parent").order_by("path")
    if kind := query.validated_data.get("kind"):
        units = units.filter(kind=kind)
    if (code := query.validated_data.get("parent")) is not None:
        parent = unit_readable(user=request.user, code=code)
        if parent is None:
            return Response({"parent": [not_in_scope_message(code)]}, status=status.HTTP_400_BAD_REQUEST)
        units = units.filter(parent=parent)
    return Response(UnitSerializer(units, many=True).data)
