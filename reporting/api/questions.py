"""Questions API: list, create (reviewers), answer (the unit), close (reviewers); one view per operation.

Access from units.access through reporting.questions.selectors (rule 6): a
question outside the caller's scope is 404, like a unit. Writes through
reporting.questions.services.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from reporting.api.flags import FlagsProblemSerializer, _401, _403, _ReasonField
from reporting.campaigns import campaign_current
from reporting.models import Channel, Question, QuestionMessage
from reporting.questions.selectors import question_readable, questions_readable
from reporting.questions.services import (
    TEXT_MAX_LENGTH,
    QuestionRefused,
    question_answer,
    question_close,
    question_open,
)
from reporting.record_text import warning_text
from reporting.refusals import http_status
from units.access import units_readable_by
from units.client import client_ip
from units.paths import UNIT_CODE_MAX_LENGTH

_ERRORS = {
    "type": "object", "description": gettext_lazy("Lỗi theo từng trường: {tên trường: [thông báo]}; số liệu sửa: "
                                                  "{values: {trường: [thông báo]}}."),
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
        "values": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
_400 = OpenApiResponse(_ERRORS, description=gettext_lazy("Dữ liệu không hợp lệ (theo từng trường) hoặc JSON hỏng; không lưu gì."))
_404 = OpenApiResponse(FlagsProblemSerializer, description=gettext_lazy("Không có câu hỏi hoặc đơn vị này (trong phạm vi của bạn)."))


def _text_field(label: str, field: str, **kwargs) -> _ReasonField:
    return _ReasonField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, **kwargs,
        error_messages={
            "invalid": gettext_lazy("%(label)s (%(field)s): phải là văn bản.") % {"label": label, "field": field},
            "null": gettext_lazy("%(label)s (%(field)s): phải là văn bản.") % {"label": label, "field": field},
            "max_length": gettext_lazy("%(label)s (%(field)s): tối đa %(max)s ký tự.") % {
                "label": label, "field": field, "max": TEXT_MAX_LENGTH},
            "null_characters_not_allowed": gettext_lazy("%(label)s (%(field)s): chứa ký tự không hợp lệ.") % {
                "label": label, "field": field},
        },
    )


class QuestionListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Question.Status.choices, required=False,
                                     help_text=gettext_lazy("open, answered hoặc closed; mặc định mọi câu hỏi."))
    unit = serializers.CharField(required=False, max_length=UNIT_CODE_MAX_LENGTH, help_text=gettext_lazy("Mã đơn vị."))
    date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"], help_text=gettext_lazy("Ngày báo cáo, YYYY-MM-DD."))


class QuestionCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=UNIT_CODE_MAX_LENGTH, help_text=gettext_lazy("Mã đơn vị được hỏi."))
    date = serializers.DateField(input_formats=["%Y-%m-%d"], help_text=gettext_lazy("Ngày của báo cáo được hỏi, YYYY-MM-DD."),
                                 error_messages={"invalid": gettext_lazy("Ngày (date): phải là ngày dạng YYYY-MM-DD.")})
    text = _text_field(gettext_lazy("Câu hỏi"), "text", help_text=gettext_lazy("Câu hỏi; bắt buộc nếu không nêu cảnh báo."))
    warning = serializers.CharField(required=False, max_length=80,
                                    help_text=gettext_lazy("Cảnh báo của báo cáo được hỏi: `jump` hoặc `decreased`, có thể kèm "
                                              "trường (`jump:residents_installed`)."))


class CountsSerializer(serializers.Serializer):
    residents_installed = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    staff_installed = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    family_installed = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    assisted_installs = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class QuestionAnswerSerializer(serializers.Serializer):
    text = _text_field(gettext_lazy("Trả lời"), "text",
                       help_text=gettext_lazy("Lý do xác nhận số liệu (bắt buộc khi không sửa), hoặc ghi chú kèm số đã sửa."))
    values = CountsSerializer(required=False, help_text=gettext_lazy("Số liệu đã sửa (như PUT báo cáo); bỏ trống: xác nhận."))


class QuestionCloseSerializer(serializers.Serializer):
    text = _text_field(gettext_lazy("Ghi chú khi đóng"), "text", help_text=gettext_lazy("Ghi chú khi đóng (không bắt buộc)."))


class QuestionMessageSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QuestionMessage.Kind.choices)
    kind_label = serializers.CharField()
    author = serializers.CharField()
    created_at = serializers.DateTimeField()
    text = serializers.CharField()
    revision = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Số lần sửa báo cáo do câu trả lời tạo ra."))


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=Question.Status.choices)
    status_label = serializers.CharField(help_text=gettext_lazy("Theo ngôn ngữ của người gọi."))
    warning = serializers.CharField(allow_null=True, help_text=gettext_lazy("Cảnh báo được hỏi, theo ngôn ngữ của người gọi."))
    opened_by = serializers.CharField()
    opened_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    closed_by = serializers.CharField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    messages = QuestionMessageSerializer(many=True)


def question_data(question: Question) -> dict:
    return {
        "id": question.pk, "unit": question.unit.code, "unit_name": question.unit.name, "date": question.date,
        "status": question.status, "status_label": str(question.get_status_display()),
        "warning": warning_text(question.warning) if question.warning else None,
        "opened_by": question.opened_by.username, "opened_at": question.opened_at,
        "answered_at": question.answered_at, "closed_at": question.closed_at,
        "closed_by": question.closed_by.username if question.closed_by else None,
        "messages": [{"kind": m.kind, "kind_label": str(m.get_kind_display()), "author": m.author.username,
                      "created_at": m.created_at, "text": m.text,
                      "revision": m.revision.number if m.revision else None} for m in question.messages.all()],
    }


def _refused(refusal: QuestionRefused) -> Response:
    if http_status(refusal) in (status.HTTP_403_FORBIDDEN, status.HTTP_404_NOT_FOUND):
        return Response({"detail": refusal.errors["__all__"][0]}, status=http_status(refusal))
    errors = {("non_field_errors" if key == "__all__" else key): messages for key, messages in refusal.errors.items()}
    return Response(errors, status=http_status(refusal))


def _not_found() -> Response:
    return Response({"detail": _("Không tìm thấy câu hỏi này.")}, status=status.HTTP_404_NOT_FOUND)


def _answer(request, question: Question) -> Response:
    fresh = question_readable(user=request.user, question_id=question.pk)
    return Response(QuestionSerializer(question_data(fresh)).data)


_ID = [OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("Số của câu hỏi."))]


@extend_schema(
    methods=["GET"], operation_id="questions_list", summary=gettext_lazy("Câu hỏi về số liệu"),
    description=gettext_lazy("Các câu hỏi về số liệu của những đơn vị người gọi được xem, mới nhất trước, kèm cả luồng trao đổi."),
    parameters=[QuestionListQuerySerializer],
    responses={200: QuestionSerializer(many=True), 400: _400, 401: _401},
    tags=["questions"],
)
@extend_schema(
    methods=["POST"], operation_id="questions_create", summary=gettext_lazy("Hỏi đơn vị về số liệu một ngày (cán bộ Sở TT&TT)"),
    description=gettext_lazy("Mở một câu hỏi; cán bộ của đơn vị thấy câu hỏi trên trang báo cáo và nhận e-mail."),
    request=QuestionCreateSerializer,
    responses={201: QuestionSerializer, 400: _400, 401: _401, 403: _403, 404: _404},
    tags=["questions"],
)
@api_view(["GET", "POST"])
def question_list(request):
    if request.method == "POST":
        return _question_create(request)
    query = QuestionListQuerySerializer(data=request.query_params)
    if not query.is_valid():
        return Response(query.errors, status=status.HTTP_400_BAD_REQUEST)
    questions = questions_readable(user=request.user)
    wanted = query.validated_data
    if "status" in wanted:
        questions = questions.filter(status=wanted["status"])
    if "unit" in wanted:
        questions = questions.filter(unit__code=wanted["unit"])
    if "date" in wanted:
        questions = questions.filter(date=wanted["date"])
    return Response(QuestionSerializer([question_data(q) for q in questions[:500]], many=True).data)


def _question_create(request) -> Response:
    body = QuestionCreateSerializer(data=request.data)
    if not body.is_valid():
        return Response(body.errors, status=status.HTTP_400_BAD_REQUEST)
    data = body.validated_data
    unit = units_readable_by(user=request.user).filter(code=data["unit"]).first()
    campaign = campaign_current()
    if unit is None or campaign is None:
        return Response({"detail": _("Không tìm thấy đơn vị này.")}, status=status.HTTP_404_NOT_FOUND)
    try:
        question = question_open(user=request.user, campaign=campaign, unit=unit, day=data["date"],
                                 text=data.get("text", ""), warning=data.get("warning"))
    except QuestionRefused as refusal:
        return _refused(refusal)
    response = _answer(request, question)
    response.status_code = status.HTTP_201_CREATED
    return response


@extend_schema(
    operation_id="questions_answer", summary=gettext_lazy("Đơn vị trả lời: sửa số liệu hoặc xác nhận kèm lý do"),
    description=gettext_lazy("Có `values`: số liệu được sửa như một lần gửi báo cáo (kiểm tra, cảnh báo và lịch sử như nhau). "
                 "Không có: xác nhận số liệu, `text` (lý do) bắt buộc."),
    parameters=_ID, request=QuestionAnswerSerializer,
    responses={200: QuestionSerializer, 400: _400, 401: _401, 403: _403, 404: _404},
    tags=["questions"],
)
@api_view(["POST"])
def question_answer_view(request, pk: str):
    question = question_readable(user=request.user, question_id=pk)
    if question is None:
        return _not_found()
    body = QuestionAnswerSerializer(data=request.data)
    if not body.is_valid():
        return Response(body.errors, status=status.HTTP_400_BAD_REQUEST)
    try:
        question_answer(user=request.user, question=question, text=body.validated_data.get("text", ""),
                        values=body.validated_data.get("values"), channel=Channel.API,
                        ip_address=client_ip(request))
    except QuestionRefused as refusal:
        # A refused correction answers like the body's own checks: {"values": {field: [message]}}.
        counts = {k: v for k, v in refusal.errors.items() if k in CountsSerializer().fields}
        if counts:
            rest = {k: v for k, v in refusal.errors.items() if k not in counts}
            return Response({**rest, "values": counts}, status=http_status(refusal))
        return _refused(refusal)
    return _answer(request, question)


@extend_schema(
    operation_id="questions_close", summary=gettext_lazy("Đóng câu hỏi (cán bộ Sở TT&TT)"),
    parameters=_ID, request=QuestionCloseSerializer,
    responses={200: QuestionSerializer, 400: _400, 401: _401, 403: _403, 404: _404},
    tags=["questions"],
)
@api_view(["POST"])
def question_close_view(request, pk: str):
    question = question_readable(user=request.user, question_id=pk)
    if question is None:
        return _not_found()
    body = QuestionCloseSerializer(data=request.data)
    if not body.is_valid():
        return Response(body.errors, status=status.HTTP_400_BAD_REQUEST)
    try:
        question_close(user=request.user, question=question, text=body.validated_data.get("text", ""))
    except QuestionRefused as refusal:
        return _refused(refusal)
    return _answer(request, question)
