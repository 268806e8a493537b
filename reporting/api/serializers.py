"""Shapes of the reports API: loose input types, exact output.

Input serializers only take the JSON apart; whether a count is acceptable
is decided by reporting.intake.validation (through report_submit), never here.
"""

from __future__ import annotations

from operator import attrgetter

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from reporting.intake.validation import MAX_COUNT, NOTE_MAX_LENGTH, field_label
from reporting.models import Channel
from reporting.record_text import DECREASED, JUMP, warning_text
from units.models import Unit, UnitKind
from units.paths import UNIT_CODE_MAX_LENGTH


def _interpolate(template, **values) -> str:
    return str(template) % {key: str(value) for key, value in values.items()}


# Messages are built at import time but must follow the request's language.
_lazy = lazy(_interpolate, str)
_label = lazy(field_label, str)
_unit_code_label = lazy(lambda: str(Unit._meta.get_field("code").verbose_name).capitalize(), str)()


def _text_errors(label) -> dict:
    """DRF's CharField messages, in Vietnamese and naming the field."""
    return {
        "required": _lazy(_("%(label)s: bắt buộc."), label=label),
        "blank": _lazy(_("%(label)s: không được để trống."), label=label),
        "null": _lazy(_("%(label)s: không được để trống."), label=label),
        "invalid": _lazy(_("%(label)s: phải là văn bản."), label=label),
        "null_characters_not_allowed": _lazy(_("%(label)s: chứa ký tự không hợp lệ."), label=label),
        "surrogate_characters_not_allowed": _lazy(_("%(label)s: chứa ký tự không hợp lệ."), label=label),
        "max_length": _lazy(_("%(label)s: tối đa {max_length} ký tự."), label=label),
    }


def _date_errors(label) -> dict:
    return {
        "invalid": _lazy(_("%(label)s: phải là ngày dạng YYYY-MM-DD."), label=label),
        "datetime": _lazy(_("%(label)s: phải là ngày dạng YYYY-MM-DD."), label=label),
        "null": _lazy(_("%(label)s: không được để trống."), label=label),
        "required": _lazy(_("%(label)s: bắt buộc."), label=label),
    }


class PortalCharField(serializers.CharField):
    """CharField whose NUL / surrogate refusals also use error_messages (DRF hard-codes English)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for index, validator in enumerate(self.validators):
            if isinstance(validator, ProhibitNullCharactersValidator):
                self.validators[index] = ProhibitNullCharactersValidator(
                    message=self.error_messages["null_characters_not_allowed"],
                )
            elif isinstance(validator, ProhibitSurrogateCharactersValidator):
                validator.message = self.error_messages["surrogate_characters_not_allowed"]


class ErrorDetailSerializer(serializers.Serializer):
    # The body of 401, 403, 404, 429 and 503 answers.
    detail = serializers.CharField()


# A 400 names each field with its messages; parse errors and refusals that
# concern no single field come as `detail` / `non_field_errors`.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": _("Lỗi theo từng trường: {tên trường: [thông báo]}."),
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"residents_installed": ["Số người dân đã cài đặt: không được là số âm."]},
}


# ---------------------------------------------------------------- token

class TokenRequestSerializer(serializers.Serializer):
    username = PortalCharField(max_length=150, error_messages=_text_errors(_("Tên đăng nhập")))
    password = PortalCharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"},
        error_messages=_text_errors(_("Mật khẩu")),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


# ---------------------------------------------------------------- units

class UnitListQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=UnitKind.choices, required=False,
        error_messages={
            "invalid_choice": _lazy(
                _("Loại đơn vị (kind): “{input}” không hợp lệ; dùng một trong: %(kinds)s."),
                kinds=", ".join(UnitKind.values),
            ),
        },
        help_text=_("Chỉ lấy đơn vị thuộc loại này."),
    )
    parent = PortalCharField(
        required=False, max_length=UNIT_CODE_MAX_LENGTH, error_messages=_text_errors(_("Đơn vị cấp trên (parent)")),
        help_text=_("Mã đơn vị cấp trên: chỉ lấy các đơn vị trực thuộc."),
    )


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "population", "staff_total", "family_total", "must_report"]
        read_only_fields = fields


# ---------------------------------------------------------------- reports

@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_COUNT, "nullable": True})
class LooseCountField(serializers.Field):
    """Passes the raw JSON value on: reporting.intake.validation judges it and names the field."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "string", "maxLength": NOTE_MAX_LENGTH})
class LooseNoteField(LooseCountField):
    pass


class ReportInputSerializer(serializers.Serializer):
    # PUT body. Absent counts are empty: a PUT replaces the whole day's report.
    residents_installed = LooseCountField(help_text=_label("residents_installed"))
    staff_installed = LooseCountField(help_text=_label("staff_installed"))
    family_installed = LooseCountField(help_text=_label("family_installed"))
    assisted_installs = LooseCountField(help_text=_label("assisted_installs"))
    note = LooseNoteField(help_text=_("Ghi chú"))
    late_reason = PortalCharField(
        required=False, allow_blank=True, allow_null=True, max_length=NOTE_MAX_LENGTH,
        error_messages=_text_errors(_label("late_reason")),
        help_text=_label("late_reason"),
    )

    default_error_messages = {
        "invalid": _("Dữ liệu gửi lên phải là một đối tượng JSON gồm các trường của báo cáo."),
    }


# One instance for every request: a serializer copies its declared fields each time it is made, which was a
# measurable part of a PUT (issue 7). Validation stores nothing on the serializer or its fields, so sharing
# it is safe; tests/reporting/api/test_api_reports.py checks it against a fresh ReportInputSerializer.
_REPORT_INPUT = ReportInputSerializer()


def report_input_validate(data) -> dict:
    """What ReportInputSerializer(data=data).is_valid(raise_exception=True) validates, or the same 400."""
    try:
        return _REPORT_INPUT.run_validation(data)
    except serializers.ValidationError:
        # Rare: a fresh serializer words the refusal exactly as is_valid() does (a null body, say).
        ReportInputSerializer(data=data).is_valid(raise_exception=True)
        raise


class ReportWarningSerializer(serializers.Serializer):
    # A stored warning (code and values) with its message worded in the caller's language (Accept-Language).
    field = serializers.CharField()
    code = serializers.ChoiceField(choices=[DECREASED, JUMP], help_text=_("decreased: giảm so với báo cáo trước; "
                                   "jump: tăng đột biến so với mẫu số giới hạn."))
    previous = serializers.IntegerField()
    previous_date = serializers.DateField()
    value = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()
    bound = serializers.IntegerField(required=False, help_text=_("jump: mẫu số giới hạn."))
    bound_unit = serializers.CharField(required=False, help_text=_("jump: đơn vị có mẫu số giới hạn."))
    threshold_percent = serializers.FloatField(required=False, help_text=_("jump: ngưỡng (phần trăm của mẫu số)."))


def warning_answer(warning: dict) -> dict:
    """What the API shows of a stored warning: its values and the sentence in the active language."""
    answer = {name: warning.get(name) for name in ("field", "code", "previous", "previous_date", "value")}
    answer["message"] = warning_text(warning)
    for name in ("bound", "bound_unit", "threshold_percent"):
        if name in warning:
            answer[name] = warning[name]
    return answer


def _count_output(name: str) -> serializers.IntegerField:
    return serializers.IntegerField(read_only=True, allow_null=True, min_value=0, label=_label(name))


# Fields spelled out rather than derived from the model; they describe the answer (OpenAPI) and format
# it, but through class-level copies: a serializer copies its declared fields for every instance, which
# with the nested warnings was a fifth of a PUT's own work (issue 7). tests/reporting/api/test_api_reports.py
# checks the answer against DRF's own field-by-field representation.
class ReportSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code", read_only=True, label=_unit_code_label)
    date = serializers.DateField(read_only=True, label=_label("date"))
    residents_installed = _count_output("residents_installed")
    staff_installed = _count_output("staff_installed")
    family_installed = _count_output("family_installed")
    assisted_installs = _count_output("assisted_installs")
    note = serializers.CharField(read_only=True, label=_label("note"))
    late_reason = serializers.CharField(read_only=True, label=_label("late_reason"))
    on_time = serializers.BooleanField(read_only=True, label=_label("on_time"))
    submitted_at = serializers.DateTimeField(source="first_submitted_at", read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, label=_label("updated_at"))
    revision = serializers.IntegerField(source="revision_count", read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True, label=_label("channel"))
    warnings = ReportWarningSerializer(many=True, read_only=True)

    def to_representation(self, instance) -> dict:
        answer = {}
        for name, field in _REPORT_OUTPUT:
            value = attrgetter(field.source)(instance)
            answer[name] = None if value is None else field.to_representation(value)
        answer["warnings"] = [warning_answer(warning) for warning in instance.warnings]
        return answer


# Bound once to a throwaway parent, as a serializer binds its copies; formats exactly as they do.
_REPORT_OUTPUT = [
    (name, field) for name, field in ReportSerializer().fields.items() if name != "warnings"
]


class ReportListQuerySerializer(serializers.Serializer):
    date = serializers.DateField(
        required=False, input_formats=["iso-8601"], error_messages=_date_errors(_("Ngày (date)")),
        help_text=_("Chỉ lấy báo cáo của ngày này (YYYY-MM-DD)."),
    )
    unit = PortalCharField(
        required=False, max_length=UNIT_CODE_MAX_LENGTH, error_messages=_text_errors(_("Đơn vị (unit)")),
        help_text=_("Chỉ lấy báo cáo của đơn vị có mã này."),
    )


class ReportPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReportSerializer(many=True)
