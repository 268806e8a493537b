"""Rule 5: what a report may contain. Returns messages; never raises on input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from units.models import Campaign, Unit

from .models import COUNT_FIELDS, DailyReport

NOTE_MAX_LENGTH = 2000
MAX_COUNT = 10**9


def field_label(field: str) -> str:
    return str(DailyReport._meta.get_field(field).verbose_name).capitalize()


def fields_for_unit(unit: Unit) -> tuple[str, ...]:
    """The count fields a unit types itself."""
    if unit.is_province:
        return ("residents_installed",)
    if unit.is_leaf_territory:
        return COUNT_FIELDS
    # Districts' residents are computed from their communes; agencies have none.
    return ("staff_installed", "family_installed", "assisted_installs")


def denominator_for(unit: Unit, field: str) -> int | None:
    return {
        "residents_installed": unit.population,
        "staff_installed": unit.staff_total,
        "family_installed": unit.family_total,
    }.get(field)


def _parse_count(raw) -> int | None | str:
    """An int, None for empty, or the string 'invalid'."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return "invalid"
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if text.isascii() and text.lstrip("-").isdigit() and len(text) <= 12:
            return int(text)
    return "invalid"


def _has_surrogate(text: str) -> bool:
    # A lone surrogate ("\ud800" in JSON) cannot be encoded for the database.
    return any("\ud800" <= char <= "\udfff" for char in text)


def text_clean(*, raw, label: str, max_length: int = NOTE_MAX_LENGTH) -> tuple[str, list[str]]:
    """Free text (note, late reason): a string the database can store, not too long."""
    if raw is None:
        return "", []
    if not isinstance(raw, str):
        return "", [_("%(label)s phải là văn bản.") % {"label": label}]
    if "\x00" in raw or _has_surrogate(raw):
        return "", [_("%(label)s chứa ký tự không hợp lệ.") % {"label": label}]
    if len(raw) > max_length:
        return "", [_("%(label)s: tối đa %(max)d ký tự.") % {"label": label, "max": max_length}]
    return raw.strip(), []


def report_clean(
    *, unit: Unit, values: Mapping, previous: DailyReport | None
) -> tuple[dict, dict[str, list[str]], list[dict]]:
    """Clean raw values for `unit`: (cleaned values, errors by field, warnings)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    allowed = fields_for_unit(unit)
    for field in COUNT_FIELDS:
        raw = values.get(field)
        parsed = _parse_count(raw)
        if field not in allowed:
            if parsed is not None:
                if field == "residents_installed":
                    msg = _("%(label)s: không nhập cho %(unit)s — số liệu này được tính tự động từ các xã, phường, thị trấn trực thuộc.")
                    if unit.is_agency:
                        msg = _("%(label)s: cơ quan, đơn vị không báo cáo số người dân; hãy nhập số cán bộ, người thân và số người được hỗ trợ.")
                else:
                    msg = _("%(label)s: không áp dụng cho %(unit)s.")
                errors.setdefault(field, []).append(msg % {"label": field_label(field), "unit": unit.name})
            cleaned[field] = None
            continue
        if parsed == "invalid":
            errors.setdefault(field, []).append(_("%(label)s: phải là số nguyên không âm.") % {"label": field_label(field)})
            continue
        if parsed is not None and parsed < 0:
            errors.setdefault(field, []).append(_("%(label)s: không được là số âm.") % {"label": field_label(field)})
            continue
        if parsed is not None and parsed > MAX_COUNT:
            errors.setdefault(field, []).append(_("%(label)s: số quá lớn.") % {"label": field_label(field)})
            continue
        denominator = denominator_for(unit, field)
        if parsed is not None and denominator is not None and parsed > denominator:
            errors.setdefault(field, []).append(
                _("%(label)s: %(value)s vượt quá tổng số %(total)s của đơn vị.")
                % {"label": field_label(field), "value": number_format(parsed, force_grouping=True),
                   "total": number_format(denominator, force_grouping=True)}
            )
            continue
        cleaned[field] = parsed
    if all(cleaned.get(f) is None for f in allowed) and not errors:
        errors.setdefault("__all__", []).append(_("Cần nhập ít nhất một số liệu."))

    cleaned["note"], note_errors = text_clean(raw=values.get("note"), label=field_label("note"))
    if note_errors:
        errors["note"] = note_errors

    warnings = []
    if previous is not None and not errors:
        for field in allowed:
            new, old = cleaned.get(field), getattr(previous, field)
            if new is not None and old is not None and new < old:
                warnings.append({
                    "field": field,
                    "code": "decreased",
                    "previous": old,
                    "previous_date": previous.date.isoformat(),
                    "message": _("%(label)s giảm so với báo cáo ngày %(date)s (%(old)s → %(new)s).") % {
                        "label": field_label(field), "date": previous.date.strftime("%d/%m/%Y"),
                        "old": number_format(old, force_grouping=True),
                        "new": number_format(new, force_grouping=True),
                    },
                })
    return cleaned, errors, warnings


def date_errors(*, campaign: Campaign, day: dt.date, today: dt.date) -> list[str]:
    if day > today:
        return [_("Ngày báo cáo %(date)s chưa đến.") % {"date": day.strftime("%d/%m/%Y")}]
    if not campaign.contains(day):
        return [_("Ngày %(date)s nằm ngoài thời gian chiến dịch (%(start)s – %(end)s).") % {
            "date": day.strftime("%d/%m/%Y"),
            "start": campaign.start_date.strftime("%d/%m/%Y"),
            "end": campaign.target_date.strftime("%d/%m/%Y"),
        }]
    return []
