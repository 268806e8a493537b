"""Rule 5: what a report may contain. Returns messages; never raises on input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from reporting.intake import numbers
from reporting.intake.bounds import DENOMINATOR_FIELDS, Bound, unit_bounds
from reporting.intake.context import counts_carried_past_blanks
from reporting.models import COUNT_FIELDS, DailyReport
from reporting.record_text import DECREASED, JUMP, denominator_label
from reporting.templatetags.vi_format import vi_int
from units.models import Campaign, Unit

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


INVALID = "invalid"


def _parse_count(raw, *, text_numbers: bool) -> int | None | str:
    """An int, None for empty, or why not (INVALID, or a reason from reporting.intake.numbers).

    `text_numbers`: text is read as Vietnamese users write numbers ("1.450",
    "1 450"); otherwise (the API) only plain digits are.
    """
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return INVALID
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else numbers.DECIMAL
    if isinstance(raw, str):
        if text_numbers:
            try:
                return numbers.count_text_parse(raw)
            except numbers.CountTextError as refused:
                return refused.reason
        text = raw.strip()
        if text.isascii() and text.lstrip("-").isdigit() and len(text) <= 12:
            return int(text)
    return INVALID


def _count_refusal(reason: str, *, label: str, raw) -> str:
    shown = str(raw).strip()[:20]
    if reason == numbers.DECIMAL:
        return _("%(label)s: “%(value)s” không phải số nguyên. Số liệu là số người nên phải là số nguyên, "
                 "ví dụ 1450 hoặc 1.450 (dấu chấm hay dấu cách ngăn cách hàng nghìn, không có phần thập phân).") % {
            "label": label, "value": shown}
    if reason == numbers.NEGATIVE:
        return _("%(label)s: không được là số âm.") % {"label": label}
    if reason == numbers.TOO_LONG:
        return _("%(label)s: số quá lớn.") % {"label": label}
    if reason == numbers.NOT_A_NUMBER:
        return _("%(label)s: “%(value)s” không phải một số. Hãy nhập số nguyên không âm, "
                 "ví dụ 1450, 1.450 hoặc 1 450.") % {"label": label, "value": shown}
    return _("%(label)s: phải là số nguyên không âm.") % {"label": label}


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


def _bounds_needed(*, unit: Unit, counts: list[str]) -> dict[str, Bound]:
    """The bounds of the counts given: the unit's own denominators, read from the ancestors only when one is unknown.

    A save reads the unit anyway; the ancestors cost one more query, so only
    when a count without its own denominator was typed.
    """
    own = {}
    for field in counts:
        denominator = DENOMINATOR_FIELDS.get(field)
        value = getattr(unit, denominator) if denominator else None
        if value is None and denominator is not None:
            return unit_bounds(unit=unit)
        if value is not None:
            own[field] = Bound(value=value, unit_code=unit.code, unit_name=unit.name, denominator=denominator)
    return own


def _bound_refusal(*, label: str, value: int, bound: Bound) -> str:
    return _("%(label)s: %(value)s vượt quá %(denominator)s %(total)s của %(unit)s.") % {
        "label": label, "value": vi_int(value),
        "denominator": denominator_label(bound.denominator),
        "total": vi_int(bound.value), "unit": bound.unit_name,
    }


def report_clean(
    *, unit: Unit, values: Mapping, previous: DailyReport | None, bounds: Mapping[str, Bound] | None = None,
    text_numbers: bool = False, jump_threshold: Decimal | float | None = None,
) -> tuple[dict, dict[str, list[str]], list[dict]]:
    """Clean raw values for `unit`: (cleaned values, errors by field, warnings).

    `bounds`: each count's nearest known denominator (reporting.intake.bounds); read
    here when not given. Warnings are codes with values (reporting.record_text
    words them for the reader). A count typed now that `previous` left blank is
    compared with the figure it carried from an earlier report (one query,
    only then).
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    allowed = fields_for_unit(unit)
    parsed_values = {field: _parse_count(values.get(field), text_numbers=text_numbers) for field in COUNT_FIELDS}
    if bounds is None:
        bounds = _bounds_needed(unit=unit, counts=[f for f in allowed if isinstance(parsed_values[f], int)])
    for field in COUNT_FIELDS:
        raw = values.get(field)
        parsed = parsed_values[field]
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
        if isinstance(parsed, str):
            errors.setdefault(field, []).append(_count_refusal(parsed, label=field_label(field), raw=raw))
            continue
        if parsed is not None and parsed < 0:
            errors.setdefault(field, []).append(_("%(label)s: không được là số âm.") % {"label": field_label(field)})
            continue
        bound = bounds.get(field)
        if parsed is not None and bound is not None and parsed > bound.value:
            errors.setdefault(field, []).append(_bound_refusal(label=field_label(field), value=parsed, bound=bound))
            continue
        if parsed is not None and parsed > MAX_COUNT:
            errors.setdefault(field, []).append(_("%(label)s: số quá lớn.") % {"label": field_label(field)})
            continue
        cleaned[field] = parsed
    if all(cleaned.get(f) is None for f in allowed) and not errors:
        errors.setdefault("__all__", []).append(_("Cần nhập ít nhất một số liệu."))

    cleaned["note"], note_errors = text_clean(raw=values.get("note"), label=field_label("note"))
    if note_errors:
        errors["note"] = note_errors

    warnings = []
    if previous is not None and not errors:
        blank_before = [f for f in allowed if cleaned.get(f) is not None and getattr(previous, f) is None]
        carried = counts_carried_past_blanks(unit=unit, previous=previous, fields=blank_before) if blank_before else {}
        warnings = _warnings(allowed=allowed, cleaned=cleaned, previous=previous, bounds=bounds,
                             jump_threshold=jump_threshold, carried=carried)
    return cleaned, errors, warnings


def _plain_number(value: Decimal) -> int | float:
    """JSON-friendly: 20 rather than 20.0000."""
    return int(value) if value == value.to_integral_value() else float(value)


def _warnings(
    *, allowed, cleaned: dict, previous: DailyReport, bounds: Mapping[str, Bound], jump_threshold,
    carried: Mapping[str, tuple[int, dt.date]],
) -> list[dict]:
    """Saved with the report, as codes and values (rule 7): a count went down, or jumped.

    The comparison is with the figure the unit stood at (rule 1): a count left
    blank in the previous report is compared with the one it carried.
    """
    warnings = []
    for field in allowed:
        new, old, old_date = cleaned.get(field), getattr(previous, field), previous.date
        if old is None and field in carried:
            old, old_date = carried[field]
        if new is None or old is None:
            continue
        base = {"field": field, "previous": old, "previous_date": old_date.isoformat(), "value": new}
        if new < old:
            warnings.append({**base, "code": DECREASED})
            continue
        bound = bounds.get(field)
        if bound is not None and jump_threshold is not None and new - old > Decimal(str(jump_threshold)) * bound.value:
            warnings.append({
                **base, "code": JUMP, "bound": bound.value, "bound_unit": bound.unit_name,
                "bound_unit_code": bound.unit_code, "denominator": bound.denominator,
                "threshold_percent": _plain_number(Decimal(str(jump_threshold)) * 100),
            })
    return warnings


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
