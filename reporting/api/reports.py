"""Reports API: read and write a unit's daily report.

Every write goes through reporting.intake.services.report_submit, the one path a
report is saved by; access comes from units.access. This module only maps
HTTP to those calls and their answers back to HTTP.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from reporting.api.parsers import PortalJSONParser
from reporting.api.serializers import (
    VALIDATION_ERROR_SCHEMA,
    ErrorDetailSerializer,
    ReportInputSerializer,
    ReportListQuerySerializer,
    ReportPageSerializer,
    ReportSerializer,
    report_input_validate,
)
from reporting.api.units import not_in_scope_message, unit_readable
from reporting.intake.context import submit_context_by_code
from reporting.intake.services import ReportForbidden, ReportRefused, report_submit
from reporting.models import VALUE_FIELDS, Channel, DailyReport
from units.access import unit_readable_by, unit_writable_by, units_readable_by
from units.arrival import request_arrived_at
from units.client import client_ip


def _bad_date() -> Response:
    return Response(
        {"date": [_("Ngày (date): phải là ngày dạng YYYY-MM-DD.")]}, status=status.HTTP_400_BAD_REQUEST,
    )


def _not_found() -> Response:
    return Response({"detail": _("Không tìm thấy.")}, status=status.HTTP_404_NOT_FOUND)


def _refusal_body(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {("non_field_errors" if name == "__all__" else name): list(messages) for name, messages in errors.items()}


_CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description=gettext_lazy("Mã đơn vị, ví dụ 31318."))
_DATE = OpenApiParameter("date", OpenApiTypes.DATE, OpenApiParameter.PATH, description=gettext_lazy("Ngày báo cáo, YYYY-MM-DD."))
IDEMPOTENCY_KEY = "Idempotency-Key"
IDEMPOTENCY_REPLAYED = "Idempotent-Replayed"
_KEY = OpenApiParameter(
    IDEMPOTENCY_KEY, OpenApiTypes.UUID, OpenApiParameter.HEADER, required=False,
    description=gettext_lazy("Tùy chọn: một UUID cho mỗi báo cáo được nhập. Gửi lại cùng mã (ví dụ sau khi mất kết nối "
                             "mà chưa nhận được trả lời) thì báo cáo chỉ được ghi nhận một lần: trả lời là lần lưu đầu "
                             "tiên, kèm tiêu đề Idempotent-Replayed: true. Cùng mã với số liệu, đơn vị hoặc ngày khác "
                             "thì bị từ chối (400)."),
)
_401 = OpenApiResponse(ErrorDetailSerializer, description=gettext_lazy("Chưa xác thực (thiếu hoặc sai token)."))
_404 = OpenApiResponse(ErrorDetailSerializer, description=gettext_lazy("Không có đơn vị (hoặc báo cáo) này trong phạm vi của bạn."))


@extend_schema(
    methods=["GET"],
    operation_id="unit_report_retrieve",
    summary=gettext_lazy("Xem báo cáo ngày của một đơn vị"),
    parameters=[_CODE, _DATE],
    responses={
        200: ReportSerializer,
        400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=gettext_lazy("Ngày không đúng dạng YYYY-MM-DD.")),
        401: _401,
        404: _404,
    },
    tags=["reports"],
)
@extend_schema(
    methods=["PUT"],
    operation_id="unit_report_put",
    summary=gettext_lazy("Nộp hoặc thay báo cáo ngày của một đơn vị"),
    description=(
        gettext_lazy("Tạo (201) hoặc thay (200) báo cáo của đơn vị cho ngày đó. Số liệu là số cộng dồn đến ngày báo cáo; "
        "trường không gửi được để trống. Gửi lại cùng nội dung chỉ thêm một lần sửa (revision). "
        "Đúng hạn khi nộp lần đầu trước 15:00 (giờ Việt Nam) của ngày báo cáo.")
    ),
    parameters=[_CODE, _DATE, _KEY],
    request=ReportInputSerializer,
    responses={
        200: OpenApiResponse(ReportSerializer, description=gettext_lazy("Đã thay báo cáo đã có.")),
        201: OpenApiResponse(ReportSerializer, description=gettext_lazy("Đã tạo báo cáo.")),
        400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=gettext_lazy("Số liệu, ngày hoặc JSON không hợp lệ; không lưu gì.")),
        401: _401,
        403: OpenApiResponse(ErrorDetailSerializer, description=gettext_lazy("Được xem nhưng không được báo cáo cho đơn vị này.")),
        404: _404,
        415: OpenApiResponse(ErrorDetailSerializer, description=gettext_lazy("Nội dung phải là application/json.")),
    },
    tags=["reports"],
)
@api_view(["GET", "PUT"])
@parser_classes([PortalJSONParser])
def unit_report(request, code: str, date: dt.date | None):
    # `date` is None when the path's day is no date (reporting.api.urls): refused after the scope checks.
    if request.method == "PUT":
        return _report_put(request, code=code, day=date)
    return _report_retrieve(request, code=code, day=date)


def _report_retrieve(request, *, code: str, day: dt.date | None) -> Response:
    unit = unit_readable(user=request.user, code=code)
    if unit is None:
        return _not_found()
    if day is None:
        return _bad_date()
    report = DailyReport.objects.select_related("unit").filter(unit=unit, date=day).first()
    if report is None:
        return _not_found()
    return Response(ReportSerializer(report).data)


def _report_put(request, *, code: str, day: dt.date | None) -> Response:
    # The unit, the campaign and the previous report in one query: the save path is measured (issue 7).
    context = submit_context_by_code(code=code, day=day)
    if context is None or not unit_readable_by(user=request.user, unit=context.unit):
        return _not_found()
    unit = context.unit
    if not unit_writable_by(user=request.user, unit=unit):
        return Response(
            {"detail": _("Bạn không có quyền báo cáo cho %(unit)s.") % {"unit": unit.name}},
            status=status.HTTP_403_FORBIDDEN,
        )
    if day is None:
        return _bad_date()
    key, key_refused = _idempotency_key(request)
    if key_refused is not None:
        return key_refused
    body = report_input_validate(request.data)
    values = {name: body.get(name) for name in VALUE_FIELDS}
    try:
        saved = report_submit(
            user=request.user, unit=unit, day=day, values=values, channel=Channel.API,
            ip_address=client_ip(request), late_reason=body.get("late_reason"), context=context,
            now=request_arrived_at(request), submission_key=key,
        )
    except ReportForbidden as refusal:
        return Response({"detail": refusal.errors["__all__"][0]}, status=status.HTTP_403_FORBIDDEN)
    except ReportRefused as refusal:
        return Response(_refusal_body(refusal.errors), status=status.HTTP_400_BAD_REQUEST)
    answer = Response(
        ReportSerializer(saved.report).data,
        status=status.HTTP_201_CREATED if saved.created else status.HTTP_200_OK,
    )
    if saved.repeated:
        answer[IDEMPOTENCY_REPLAYED] = "true"
    return answer


def _idempotency_key(request) -> tuple[uuid.UUID | None, Response | None]:
    """The `Idempotency-Key` header as a UUID (None when absent), or the 400 that names it."""
    raw = request.headers.get(IDEMPOTENCY_KEY, "").strip()
    if not raw:
        return None, None
    try:
        if len(raw) <= 64:
            return uuid.UUID(raw), None
    except ValueError:
        pass
    return None, Response({IDEMPOTENCY_KEY: [_("Idempotency-Key: phải là một UUID, ví dụ "
                                              "3f2c8a1e-6b4d-4c1a-9f7e-2d5b8c0a1e34.")]},
                          status=status.HTTP_400_BAD_REQUEST)


class ReportPagination(LimitOffsetPagination):
    default_limit = 500
    max_limit = 1000


@extend_schema(
    operation_id="reports_list",
    summary=gettext_lazy("Danh sách báo cáo"),
    description=gettext_lazy("Báo cáo của các đơn vị người gọi được xem, mới nhất trước; lọc theo ngày và/hoặc mã đơn vị."),
    parameters=[
        ReportListQuerySerializer,
        OpenApiParameter("limit", OpenApiTypes.INT, description=gettext_lazy("Số báo cáo mỗi trang (tối đa 1000).")),
        OpenApiParameter("offset", OpenApiTypes.INT, description=gettext_lazy("Bỏ qua bấy nhiêu báo cáo đầu.")),
    ],
    responses={
        200: ReportPageSerializer,
        400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=gettext_lazy("`date` hoặc `unit` không hợp lệ.")),
        401: _401,
    },
    tags=["reports"],
)
@api_view(["GET"])
def report_list(request):
    query = ReportListQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    reports = (
        DailyReport.objects.filter(unit__in=units_readable_by(user=request.user))
        .select_related("unit")
        .order_by("-date", "unit__path")
    )
    if (day := query.validated_data.get("date")) is not None:
        reports = reports.filter(date=day)
    if (code := query.validated_data.get("unit")) is not None:
        unit = unit_readable(user=request.user, code=code)
        if unit is None:
            return Response({"unit": [not_in_scope_message(code)]}, status=status.HTTP_400_BAD_REQUEST)
        reports = reports.filter(unit=unit)
    paginator = ReportPagination()
    page = paginator.paginate_queryset(reports, request)
    return paginator.get_paginated_response(ReportSerializer(page, many=True).data)
