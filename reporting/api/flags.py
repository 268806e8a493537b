"""Flags and compliance API: who missed the deadline, who was excused, who reported when.

Access comes from units.access (rule 6); excuses from reporting.watch.excuses;
figures from reporting.watch.flags and reporting.watch.compliance. This module
only maps HTTP to those calls and back.
"""

from __future__ import annotations

import datetime as dt

from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from reporting.campaigns import campaign_current, campaign_default_day
from reporting.models import MissedDeadline
from reporting.refusals import Forbidden
from reporting.watch.compliance import EXCUSED, LATE, MISSING, STATUSES, compliance_for_day, status_label
from reporting.watch.excuses import (
    REASON_MAX_LENGTH,
    ExcuseRefused,
    missed_deadline_excuse,
    missed_deadline_excuse_withdraw,
    user_can_excuse,
)
from reporting.watch.flags import FlagRow, flag_rows
from units.access import units_readable_by
from units.models import Campaign, Unit, User

_DATE_MESSAGE = gettext_lazy("Ngày (date): phải là ngày dạng YYYY-MM-DD.")


class DayQuerySerializer(serializers.Serializer):
    date = serializers.DateField(
        required=False, input_formats=["%Y-%m-%d"],
        help_text=gettext_lazy("Ngày của chiến dịch, YYYY-MM-DD; mặc định hôm nay (hoặc ngày gần nhất của chiến dịch)."),
        error_messages={"invalid": _DATE_MESSAGE, "datetime": _DATE_MESSAGE},
    )


class _ReasonField(serializers.CharField):
    """DRF hard-codes English for NUL and surrogate refusals; these say it in Vietnamese."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        message = self.error_messages["null_characters_not_allowed"]
        self.validators = [
            v for v in self.validators
            if not isinstance(v, (ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator))
        ] + [ProhibitNullCharactersValidator(message=message)]
        surrogate = ProhibitSurrogateCharactersValidator()
        surrogate.message = message
        self.validators.append(surrogate)


class ExcuseInputSerializer(serializers.Serializer):
    reason = _ReasonField(
        max_length=REASON_MAX_LENGTH, help_text=gettext_lazy("Lý do miễn (bắt buộc)."),
        error_messages={
            "required": gettext_lazy("Lý do miễn (reason): bắt buộc nhập."),
            "blank": gettext_lazy("Lý do miễn (reason): bắt buộc nhập."),
            "null": gettext_lazy("Lý do miễn (reason): bắt buộc nhập."),
            "invalid": gettext_lazy("Lý do miễn (reason): phải là văn bản."),
            "max_length": gettext_lazy("Lý do miễn (reason): tối đa {max_length} ký tự."),
            "null_characters_not_allowed": gettext_lazy("Lý do miễn (reason): chứa ký tự không hợp lệ."),
        },
    )


class FlagSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text=gettext_lazy("Mã đơn vị."))
    unit_name = serializers.CharField()
    date = serializers.DateField()
    flagged_at = serializers.DateTimeField()
    excused = serializers.BooleanField()
    excuse_reason = serializers.CharField()
    reported_late_at = serializers.DateTimeField(allow_null=True, help_text=gettext_lazy("Lúc nộp báo cáo trễ, nếu đã nộp."))
    consecutive_misses = serializers.IntegerField(help_text=gettext_lazy("Số ngày trễ hạn liên tiếp tính đến ngày này."))
    escalated = serializers.BooleanField(help_text=gettext_lazy("Đã báo cấp trên (trễ hạn nhiều ngày liên tiếp)."))
    status = serializers.ChoiceField(choices=[MISSING, LATE, EXCUSED],
                                     help_text=gettext_lazy("Tình trạng của ngày bị ghi nhận: missing, late hoặc excused."))
    status_label = serializers.CharField(help_text=gettext_lazy("Tình trạng theo ngôn ngữ của người gọi (Accept-Language)."))


class ComplianceCountsSerializer(serializers.Serializer):
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    excused = serializers.IntegerField()
    not_yet = serializers.IntegerField()


class ComplianceSerializer(serializers.Serializer):
    date = serializers.DateField()
    on_time = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("Mã các đơn vị báo cáo đúng hạn."))
    late = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("Báo cáo sau hạn."))
    missing = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("Đã qua hạn, chưa báo cáo."))
    excused = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("Được Sở TT&TT miễn."))
    not_yet = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("Chưa báo cáo, chưa đến hạn."))
    counts = ComplianceCountsSerializer()
    labels = serializers.DictField(child=serializers.CharField(),
                                   help_text=gettext_lazy("Tên mỗi tình trạng theo ngôn ngữ của người gọi, như trên các trang."))


class FlagsProblemSerializer(serializers.Serializer):
    detail = serializers.CharField()


_ERRORS_400 = {
    "type": "object", "description": gettext_lazy("Lỗi theo từng trường: {tên trường: [thông báo]}."),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
_401 = OpenApiResponse(FlagsProblemSerializer, description=gettext_lazy("Chưa xác thực (thiếu hoặc sai token)."))
_403 = OpenApiResponse(FlagsProblemSerializer, description=gettext_lazy("Không có quyền."))
_404 = OpenApiResponse(FlagsProblemSerializer, description=gettext_lazy("Không có (trong phạm vi của bạn)."))


def flag_data(row: FlagRow) -> dict:
    flag = row.flag
    return {
        "unit": flag.unit.code, "unit_name": flag.unit.name, "date": flag.date, "flagged_at": flag.flagged_at,
        "excused": flag.excused, "excuse_reason": flag.excuse_reason, "reported_late_at": row.reported_late_at,
        "consecutive_misses": row.consecutive_misses, "escalated": flag.escalated,
        "status": row.status, "status_label": row.status_label,
    }


def _campaign_day(request) -> tuple[Campaign | None, dt.date | None, Response | None]:
    """The campaign and the `?date=` asked for, or the 400 answer."""
    query = DayQuerySerializer(data=request.query_params)
    if not query.is_valid():
        return None, None, Response(query.errors, status=status.HTTP_400_BAD_REQUEST)
    campaign = campaign_current()
    if campaign is None:
        return None, None, Response({"date": [_("Chưa có chiến dịch nào.")]}, status=status.HTTP_400_BAD_REQUEST)
    day = query.validated_data.get("date") or campaign_default_day(campaign=campaign)
    if not campaign.contains(day):
        return None, None, Response({"date": [_("Ngày (date): %(day)s nằm ngoài chiến dịch (%(start)s – %(end)s).") % {
            "day": date_format(day, "d/m/Y"), "start": date_format(campaign.start_date, "d/m/Y"),
            "end": date_format(campaign.target_date, "d/m/Y")}]}, status=status.HTTP_400_BAD_REQUEST)
    return campaign, day, None


def _scope(*, user: User, campaign: Campaign):
    return units_readable_by(user=user).filter(path__startswith=campaign.root.path)


@extend_schema(
    operation_id="flags_list",
    summary=gettext_lazy("Đơn vị trễ hạn báo cáo trong ngày"),
    description=(gettext_lazy("Các ghi nhận trễ hạn (không có báo cáo đúng hạn khi qua 15:00) của ngày, trong phạm vi người gọi "
                 "được xem; kèm lúc nộp trễ, việc miễn, số ngày trễ liên tiếp và việc báo cấp trên.")),
    parameters=[DayQuerySerializer],
    responses={
        200: FlagSerializer(many=True),
        400: OpenApiResponse(_ERRORS_400, description=gettext_lazy("`date` không hợp lệ hoặc ngoài chiến dịch.")),
        401: _401,
    },
    tags=["flags"],
)
@api_view(["GET"])
def flag_list(request):
    campaign, day, refusal = _campaign_day(request)
    if refusal is not None:
        return refusal
    rows = flag_rows(campaign=campaign, units=_scope(user=request.user, campaign=campaign), day=day)
    return Response(FlagSerializer([flag_data(r) for r in rows], many=True).data)


_FLAG_PATH = [
    OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description=gettext_lazy("Mã đơn vị.")),
    OpenApiParameter("date", OpenApiTypes.DATE, OpenApiParameter.PATH, description=gettext_lazy("Ngày, YYYY-MM-DD.")),
]


@extend_schema(
    methods=["POST"],
    operation_id="flag_excuse",
    summary=gettext_lazy("Miễn một ngày trễ hạn (cán bộ Sở TT&TT)"),
    description=gettext_lazy("Ghi lý do miễn; ghi nhận trễ hạn vẫn còn, được tính là “được miễn”. Đã miễn thì không miễn lại."),
    parameters=_FLAG_PATH,
    request=ExcuseInputSerializer,
    responses={
        200: FlagSerializer,
        400: OpenApiResponse(_ERRORS_400, description=gettext_lazy("Thiếu lý do, ngày không hợp lệ hoặc đã được miễn.")),
        401: _401,
        403: _403,
        404: OpenApiResponse(FlagsProblemSerializer, description=gettext_lazy("Không có đơn vị hoặc ghi nhận trễ hạn này.")),
    },
    tags=["flags"],
)
@extend_schema(
    methods=["DELETE"],
    operation_id="flag_excuse_withdraw",
    summary=gettext_lazy("Thu hồi việc miễn một ngày trễ hạn (cán bộ Sở TT&TT)"),
    description=gettext_lazy("Ngày đó lại được tính là chưa báo cáo (hoặc trễ hạn nếu đã nộp trễ); việc thu hồi được ghi nhật ký."),
    parameters=_FLAG_PATH,
    request=None,
    responses={
        200: FlagSerializer,
        400: OpenApiResponse(_ERRORS_400, description=gettext_lazy("Ngày không hợp lệ hoặc ngày này chưa được miễn.")),
        401: _401,
        403: _403,
        404: OpenApiResponse(FlagsProblemSerializer, description=gettext_lazy("Không có đơn vị hoặc ghi nhận trễ hạn này.")),
    },
    tags=["flags"],
)
@api_view(["POST", "DELETE"])
def flag_excuse(request, code: str, date: dt.date | None):
    # `date` is None when the path's day is no date (reporting.api.urls): refused after the scope checks.
    not_found = Response({"detail": _("Không tìm thấy ghi nhận trễ hạn này.")}, status=status.HTTP_404_NOT_FOUND)
    unit = units_readable_by(user=request.user).filter(code=code).first()
    if unit is None:
        return not_found
    if not user_can_excuse(request.user):
        message = (_("Chỉ cán bộ Sở Thông tin và Truyền thông mới được miễn trễ hạn.") if request.method == "POST"
                   else _("Chỉ cán bộ Sở Thông tin và Truyền thông mới được thu hồi việc miễn."))
        return Response({"detail": message}, status=status.HTTP_403_FORBIDDEN)
    day = date
    if day is None:
        return Response({"date": [str(_DATE_MESSAGE)]}, status=status.HTTP_400_BAD_REQUEST)
    flag = MissedDeadline.objects.filter(unit=unit, date=day).first()
    if flag is None:
        return not_found
    try:
        if request.method == "DELETE":
            missed_deadline_excuse_withdraw(user=request.user, flag=flag)
        else:
            body = ExcuseInputSerializer(data=request.data)
            if not body.is_valid():
                return Response(body.errors, status=status.HTTP_400_BAD_REQUEST)
            missed_deadline_excuse(user=request.user, flag=flag, reason=body.validated_data["reason"])
    except ExcuseRefused as refusal:
        errors = {("non_field_errors" if k == "__all__" else k): v for k, v in refusal.errors.items()}
        if isinstance(refusal, Forbidden):
            return Response({"detail": refusal.message}, status=status.HTTP_403_FORBIDDEN)
        return Response(errors, status=status.HTTP_400_BAD_REQUEST)
    (row,) = flag_rows(campaign=flag.campaign, units=Unit.objects.filter(pk=unit.pk), day=day)
    return Response(FlagSerializer(flag_data(row)).data)


@extend_schema(
    operation_id="compliance_retrieve",
    summary=gettext_lazy("Tình hình báo cáo trong ngày"),
    description=(gettext_lazy("Mã các đơn vị phải báo cáo (trong phạm vi người gọi) theo tình trạng: đúng hạn, trễ hạn, chưa báo "
                 "cáo (đã qua hạn), được miễn, chưa đến hạn; và số lượng mỗi nhóm.")),
    parameters=[DayQuerySerializer],
    responses={
        200: ComplianceSerializer,
        400: OpenApiResponse(_ERRORS_400, description=gettext_lazy("`date` không hợp lệ hoặc ngoài chiến dịch.")),
        401: _401,
    },
    tags=["flags"],
)
@api_view(["GET"])
def compliance(request):
    campaign, day, refusal = _campaign_day(request)
    if refusal is not None:
        return refusal
    summary = compliance_for_day(campaign=campaign, day=day, within=_scope(user=request.user, campaign=campaign),
                                 now=timezone.now())
    body = {"date": day, **{s: summary.codes[s] for s in STATUSES}, "counts": summary.counts,
            "labels": {s: status_label(s) for s in STATUSES}}
    return Response(ComplianceSerializer(body).data)
