"""What the API views and the web pages share: reading parameters, deciding scope, building the file.

Each function returns either the thing asked for or a Refusal (status and a
Vietnamese body naming the field), so both channels answer the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO

from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reporting.campaigns import campaign_current, campaign_deadline_at, campaign_default_day
from reporting.excel.archive import MAX_UPLOAD_BYTES, too_large_message
from reporting.excel.data import AS_AT_DEADLINE, export_moment, export_scope
from reporting.excel.export import XLSX_MIME, daily_workbook_file, daily_workbook_filename
from reporting.excel.import_template import import_template_file, import_template_filename, template_units
from reporting.excel.imports import ImportRefused, excel_import_run
from reporting.intake.validation import date_errors
from reporting.progress.dashboards import dashboard_view_parse
from units.access import unit_readable_by
from units.arrival import request_arrived_at
from units.client import client_ip
from units.models import Campaign, Unit, User
from units.paths import iso_day, unit_code_possible

WORKBOOK_LANGUAGE = "vi"
WORKBOOK_LANGUAGES = ("vi", "en")
# Multipart framing around a 2 MB file stays well below this.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 256 * 1024


@dataclass
class Refusal:
    status: int
    body: dict


def _no_campaign() -> Refusal:
    return Refusal(503, {"detail": _("Chưa có chiến dịch nào.")})


def xlsx_response(file: IO[bytes], filename: str) -> FileResponse:
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_MIME)
    response["Cache-Control"] = "private, no-store"
    return response


def export_response(*, user: User, params: Mapping, now: dt.datetime | None = None) -> FileResponse | Refusal:
    """The daily workbook for `date` and `as_at` (default: the deadline), scoped to what `user` may read.

    Always in Vietnamese unless `lang=en` asks for an English copy.
    """
    now = now or timezone.now()
    campaign = campaign_current()
    if campaign is None:
        return _no_campaign()
    # Same parameters and messages as /api/v1/progress/, only the default instant differs.
    view, errors = dashboard_view_parse(
        campaign=campaign, now=now,
        params={"date": params.get("date") or "", "as_at": params.get("as_at") or AS_AT_DEADLINE},
    )
    if view is None:
        return Refusal(400, errors)
    language = (params.get("lang") or WORKBOOK_LANGUAGE).strip().lower()
    if language not in WORKBOOK_LANGUAGES:
        return Refusal(400, {"lang": [_("Ngôn ngữ (lang): “%(value)s” không hợp lệ; dùng vi (mặc định, bản chính thức) "
                                        "hoặc en (bản tiếng Anh).") % {"value": language[:10]}]})
    scope = export_scope(user=user, campaign=campaign)
    if scope is None:
        return Refusal(403, {"detail": _("Tài khoản của bạn chưa được gán đơn vị nên không xuất được báo cáo.")})
    moment = export_moment(day=view.day, mode=view.as_at_choice, now=now,
                           deadline=campaign_deadline_at(campaign=campaign, day=view.day))
    # The People's Committee's workbook is an official Vietnamese document whatever the downloader's interface
    # language (rule 7); an English copy only when asked for.
    with translation.override(language):
        file = daily_workbook_file(campaign=campaign, scope=scope, moment=moment)
    return xlsx_response(file, daily_workbook_filename(campaign=campaign, moment=moment))


def report_day_parse(*, campaign: Campaign, raw: str | None, now: dt.datetime) -> tuple[dt.date | None, list[str]]:
    """A report date: ISO or dd/mm/yyyy, inside the campaign, not in the future. Empty → (None, [])."""
    raw = (raw or "").strip()
    if not raw:
        return None, []
    day = iso_day(raw)
    if day is None:
        try:
            day = dt.datetime.strptime(raw, "%d/%m/%Y").date()  # noqa: DTZ007 - a calendar day, not an instant
        except ValueError:
            day = None
    if day is None:
        return None, [_("Ngày báo cáo: “%(value)s” không phải một ngày theo dạng YYYY-MM-DD (ví dụ 2020-08-20).")
                      % {"value": raw[:20]}]
    today = timezone.localtime(now, campaign.zone).date()
    return day, date_errors(campaign=campaign, day=day, today=today)


def template_response(*, user: User, params: Mapping, now: dt.datetime | None = None) -> FileResponse | Refusal:
    """The import template of the units `user` may write under `parent` (default: the user's own unit)."""
    now = now or timezone.now()
    campaign = campaign_current()
    if campaign is None:
        return _no_campaign()
    errors: dict[str, list[str]] = {}
    day, day_errors = report_day_parse(campaign=campaign, raw=params.get("date"), now=now)
    if day_errors:
        errors["date"] = day_errors
    code = (params.get("parent") or "").strip()
    if not code:
        parent = user.unit or campaign.root
    else:
        parent = Unit.objects.filter(code=code).first() if unit_code_possible(code) else None
    if parent is None:
        errors["parent"] = [_("Đơn vị cấp trên (parent): không có đơn vị mã “%(code)s”.") % {"code": code[:20]}]
    if errors:
        return Refusal(400, errors)
    if not unit_readable_by(user=user, unit=parent) or not template_units(user=user, parent=parent).exists():
        return Refusal(403, {"detail": _("Bạn không có đơn vị nào được phép nhập số liệu thuộc %(unit)s.")
                             % {"unit": parent.name}})
    day = day or campaign_default_day(campaign=campaign, now=now)
    file = import_template_file(user=user, parent=parent, day=day)
    return xlsx_response(file, import_template_filename(parent=parent, day=day))


def upload_bytes(*, upload) -> bytes | Refusal:
    """The uploaded file's bytes, never reading more than the limit allows."""
    def refused(message: str) -> Refusal:
        return Refusal(400, {"errors": [{"row": None, "column": None, "field": "file", "message": message}]})

    if upload is None:
        return refused(_("Tệp: chưa chọn tệp Excel (.xlsx) để tải lên."))
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        return refused(too_large_message(size))
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return refused(too_large_message(len(data)))
    return data


def request_too_large(content_length: str | None) -> Refusal | None:
    """Refuse an oversized upload from its declared length, before the body is parsed."""
    try:
        length = int(content_length or 0)
    except ValueError:
        length = 0
    if length > MAX_REQUEST_BYTES:
        return Refusal(400, {"errors": [{"row": None, "column": None, "field": "file",
                                         "message": too_large_message(length)}]})
    return None


def import_upload(*, request, upload, raw_date: str | None) -> tuple[int, dict]:
    """Run an upload; (status, body) for both the API and the upload page."""
    now = request_arrived_at(request)
    answer = upload_bytes(upload=upload)
    if isinstance(answer, Refusal):
        return answer.status, answer.body
    campaign = campaign_current()
    day = None
    if campaign is not None:
        day, day_errors = report_day_parse(campaign=campaign, raw=raw_date, now=now)
        if day_errors:
            return 400, {"errors": [{"row": None, "column": None, "field": "date", "message": m} for m in day_errors]}
    try:
        result = excel_import_run(user=request.user, data=answer, day=day, ip_address=client_ip(request), now=now,
                                  campaign=campaign)
    except ImportRefused as refused:
        return 403 if refused.forbidden else 400, {"errors": refused.errors}
    return 201, {"date": result.day, "saved": result.saved, "created": result.created, "updated": result.updated,
                 "unchanged": result.unchanged, "warnings": result.warnings, "reports": result.reports}
