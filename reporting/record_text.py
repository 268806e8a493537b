"""Stored records worded in the reader's language (rule 7).

Warnings are stored as a code with its values, never as a sentence: a
warning saved from the English interface must read in Vietnamese on the
Vietnamese receipt. Every place that shows one (receipt, history, flags
board, API, workbook, import answer) words it here, in the language active
at the time.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from reporting.templatetags.vi_format import vi_decimal, vi_int

DECREASED, JUMP = "decreased", "jump"



def _percent_number(value) -> str:
    """20 → "20"; 12.5 → "12,5" (vi): the campaign's threshold as people write it."""
    return vi_int(value) if float(value).is_integer() else vi_decimal(value, 1)

def _int(value) -> str:
    return "—" if value is None else vi_int(value)


def _date(value) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(value or "")


def denominator_label(denominator: str) -> str:
    return {
        "population": _("dân số"),
        "staff_total": _("tổng số cán bộ"),
        "family_total": _("tổng số người thân"),
    }.get(denominator, denominator)


def warning_text(warning: dict) -> str:
    """One stored warning as a sentence in the active language."""
    from reporting.intake.validation import field_label  # validation words its refusals with the same labels

    code = warning.get("code")
    field = warning.get("field")
    label = field_label(field) if field else ""
    if code == DECREASED:
        return _("%(label)s giảm so với báo cáo ngày %(date)s (%(old)s → %(new)s).") % {
            "label": label, "date": _date(warning.get("previous_date")),
            "old": _int(warning.get("previous")), "new": _int(warning.get("value")),
        }
    if code == JUMP:
        return _("%(label)s tăng %(increase)s so với báo cáo ngày %(date)s (%(old)s → %(new)s), hơn %(percent)s %% "
                 "%(denominator)s %(bound)s của %(unit)s; hãy kiểm tra lại số liệu.") % {
            "label": label, "date": _date(warning.get("previous_date")),
            "increase": _int((warning.get("value") or 0) - (warning.get("previous") or 0)),
            "old": _int(warning.get("previous")), "new": _int(warning.get("value")),
            "percent": _percent_number(warning.get("threshold_percent", 0)),
            "denominator": denominator_label(warning.get("denominator", "")),
            "bound": _int(warning.get("bound")), "unit": warning.get("bound_unit", ""),
        }
    # A code this version does not know (or a row from before codes): show what is stored.
    return str(warning.get("message") or code or "")


def warnings_worded(warnings: list[dict] | None) -> list[dict]:
    """The warnings with a "message" in the active language, for templates and answers."""
    return [{**warning, "message": warning_text(warning)} for warning in warnings or []]
