"""Browser forms. They only parse and display: every rule lives in reporting.intake.services.

Counts are plain text fields on purpose: "12,5" or "-3" must reach the service,
which answers with the message naming the field (rule 5).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.intake.validation import denominator_for, field_label, fields_for_unit
from reporting.models import COUNT_FIELDS
from reporting.templatetags.vi_format import vi_int
from units.models import Unit


def _count_input() -> forms.TextInput:
    # inputmode brings up the digit keypad on phones without the browser rejecting
    # what the service should explain.
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "enterkeyhint": "next"})


class _ServiceBackedForm(forms.Form):
    date = forms.DateField(
        widget=forms.HiddenInput, input_formats=["%Y-%m-%d"],
        error_messages={"required": _("Thiếu ngày báo cáo."), "invalid": _("Ngày báo cáo không hợp lệ.")},
    )

    def add_service_errors(self, errors: Mapping[str, list[str]]) -> None:
        """Put ReportRefused.errors next to the field they name; the rest on top."""
        for name, messages in errors.items():
            target = name if name in self.fields and name != "date" else None
            for message in messages:
                self.add_error(target, message)

    def top_errors(self) -> list[str]:
        return [*self.non_field_errors(), *self.errors.get("date", [])]


class ReportForm(_ServiceBackedForm):
    """The daily report of one unit: the count fields that unit types, a note, maybe a late reason.

    `submission_key` names this typed report, so that sending it again (a phone back online, a reload that posts
    again) is received once (reporting.intake.services); a page offers a new one each time it is drawn, and the
    phone's script a new one for each report typed on a page it kept (static/js/offline_form.js).
    """

    submission_key = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Ghi chú"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, unit: Unit, late: bool, previous: Mapping[str, tuple[int, dt.date]] | None = None,
                 **kwargs):
        """`previous`: per count, the figure (and its date) a blank keeps (intake.history.FormState)."""
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.late = late
        previous = previous or {}
        note = self.fields.pop("note")
        for name in fields_for_unit(unit):
            total = denominator_for(unit, name)
            help_parts = [blank_hint(previous.get(name))]
            if total is not None:
                help_parts.append(_("Tổng số của đơn vị: %(total)s") % {
                    "total": vi_int(total)})
            self.fields[name] = forms.CharField(
                label=field_label(name), required=False, widget=_count_input(), help_text=" ".join(help_parts),
            )
        self.fields["note"] = note
        if late:
            self.fields["late_reason"] = forms.CharField(
                label=_("Lý do báo cáo trễ (không bắt buộc)"), required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def count_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in COUNT_FIELDS if name in self.fields]

    def values(self) -> dict:
        """Raw values for the service, including count fields this unit may not type,
        so that a crafted one is refused by name instead of silently dropped."""
        values = {name: self.data.get(name, "") for name in COUNT_FIELDS}
        values["note"] = self.cleaned_data.get("note", "")
        return values

    def late_reason_value(self) -> str | None:
        return self.cleaned_data.get("late_reason") if "late_reason" in self.fields else None

    def submission_key_value(self) -> uuid.UUID | None:
        """The key sent, or None: a key that is not one only loses the repeat check, never the report."""
        raw = (self.cleaned_data.get("submission_key") or "").strip()
        try:
            return uuid.UUID(raw) if 0 < len(raw) <= 64 else None
        except ValueError:
            return None


class OfficialFigureForm(_ServiceBackedForm):
    """DIC's entry of the Ministry's figure for the whole province."""

    residents_installed = forms.CharField(
        label=_("Số người dân đã cài đặt theo số liệu của Bộ Thông tin và Truyền thông"),
        required=False, widget=_count_input(),
    )
    note = forms.CharField(
        label=_("Ghi chú (nguồn, thời điểm số liệu)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def values(self) -> dict:
        return {"residents_installed": self.data.get("residents_installed", ""),
                "note": self.cleaned_data.get("note", "")}


def blank_hint(previous: tuple[int, dt.date] | None) -> str:
    """What leaving a count blank does (rule 1): it keeps the previous figure, never counts as 0."""
    if previous is None:
        return str(_("Để trống nếu chưa có số liệu: đơn vị chưa có số nào trước ngày này."))
    value, day = previous
    return str(_("Để trống nếu chưa có số mới: giữ số trước đó %(value)s (ngày %(date)s).") % {
        "value": vi_int(value), "date": day.strftime("%d/%m/%Y")})


def blank_kept(previous: tuple[int, dt.date] | None) -> str:
    """How a receipt shows a count that was left blank: what it keeps."""
    if previous is None:
        return str(_("Để trống — chưa có số nào trước ngày này"))
    value, day = previous
    return str(_("Để trống — giữ số trước đó %(value)s (ngày %(date)s)") % {
        "value": vi_int(value), "date": day.strftime("%d/%m/%Y")})


def initial_values(*, day: dt.date, source, note_source) -> dict:
    """Form initial data: counts carried forward from `source`, the note only from the day's own report."""
    initial = {"date": day.isoformat(), "submission_key": str(uuid.uuid4())}
    if source is not None:
        for name in COUNT_FIELDS:
            value = getattr(source, name)
            if value is not None:
                initial[name] = str(value)
    if note_source is not None:
        initial["note"] = note_source.note
        initial["late_reason"] = note_source.late_reason
    return initial
