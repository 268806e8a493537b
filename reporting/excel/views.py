"""Web pages for Excel: download the daily report, download the template, upload a filled template.

The files and the checks are the API's (reporting.excel.http), so a page and
its API twin answer the same way.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from reporting.campaigns import campaign_current, campaign_default_day, campaign_today
from reporting.excel.data import AS_AT_DEADLINE
from reporting.excel.http import Refusal, export_response, import_upload, request_too_large, template_response
from reporting.progress.dashboards import AS_AT_CHOICES
from units.access import units_writable_by


def _open_days(campaign, now):
    today = campaign_today(campaign=campaign, now=now)
    return [d for d in reversed(campaign.days()) if d <= today]


def _refusal_messages(refusal: Refusal) -> list[str]:
    found = []
    for key, value in refusal.body.items():
        if key == "errors":
            found += [e["message"] for e in value]
        elif isinstance(value, list):
            found += [str(v) for v in value]
        else:
            found.append(str(value))
    return found


@login_required
@require_GET
def excel_export(request):
    """With `date` (or `as_at`): the workbook. Without: a page to choose the day and the instant."""
    campaign, now = campaign_current(), timezone.now()
    errors: list[str] = []
    status = 200
    if campaign is not None and ("date" in request.GET or "as_at" in request.GET):
        answer = export_response(user=request.user, params=request.GET, now=now)
        if not isinstance(answer, Refusal):
            return answer
        errors, status = _refusal_messages(answer), answer.status
    context = {"campaign": campaign, "errors": errors}
    if campaign is not None:
        context |= {
            "open_days": _open_days(campaign, now), "as_at_choices": AS_AT_CHOICES,
            "day": campaign_default_day(campaign=campaign, now=now), "as_at": request.GET.get("as_at") or AS_AT_DEADLINE,
        }
    return render(request, "reporting/excel_export.html", context, status=status)


@login_required
@require_GET
def excel_import_template(request):
    answer = template_response(user=request.user, params=request.GET)
    if isinstance(answer, Refusal):
        messages.error(request, " ".join(_refusal_messages(answer)))
        return redirect("excel_import")
    return answer


SAVED_KEY = "excel_import_saved"


def import_summary(body: dict) -> str:
    """What an upload did, in words that add up: new + updated were saved, unchanged rows were not."""
    day = body["date"].strftime("%d/%m/%Y")
    if not body["saved"]:
        return _("Ngày %(date)s: không có gì thay đổi — %(unchanged)s dòng trùng với số liệu đã có, "
                 "không lưu lại.") % {"date": day, "unchanged": body["unchanged"]}
    text = _("Ngày %(date)s: đã lưu %(saved)s báo cáo (%(created)s báo cáo mới, %(updated)s báo cáo được cập nhật).") % {
        "date": day, "saved": body["saved"], "created": body["created"], "updated": body["updated"]}
    if body["unchanged"]:
        text += " " + _("%(unchanged)s dòng trùng với số liệu đã có nên không lưu lại.") % {
            "unchanged": body["unchanged"]}
    return text


def _template_note(user, campaign) -> str:
    """Who the template lists, said before the user downloads it."""
    if user.unit_id is None:
        return _("Tài khoản của Sở Thông tin và Truyền thông chỉ nhập số liệu chính thức của toàn tỉnh, nên mẫu "
                 "chỉ có một dòng: %(province)s. Các huyện, xã và cơ quan tự nhập số liệu của mình.") % {
            "province": campaign.root.name}
    return _("Mẫu liệt kê đơn vị bạn chọn và các đơn vị trực thuộc mà bạn được nhập, kèm số liệu gần nhất.")


def _parents(user, campaign):
    """Where a template can start: the user's own unit and the districts below it that the user may write."""
    root = user.unit or campaign.root
    writable = units_writable_by(user=user).filter(path__startswith=root.path)
    districts = list(writable.districts().exclude(pk=root.pk).order_by("path"))
    return [root, *districts]


@login_required
@require_http_methods(["GET", "POST"])
def excel_import(request):
    campaign, now = campaign_current(), timezone.now()
    context: dict = {"campaign": campaign, "errors": [], "file_errors": []}
    status = 200
    if campaign is None:
        return render(request, "reporting/excel_import.html", context, status=503)
    if request.method == "POST":
        if refusal := request_too_large(request.META.get("CONTENT_LENGTH")):
            code, body = refusal.status, refusal.body
        else:
            code, body = import_upload(request=request, upload=request.FILES.get("file"),
                                       raw_date=request.POST.get("date"))
        if code == 201:
            messages.success(request, import_summary(body))
            for warning in body["warnings"]:
                messages.warning(request, _("Dòng %(row)s: %(message)s") % warning)
            # Shown once on the page the redirect opens: each saved report with a link to its receipt.
            request.session[SAVED_KEY] = [dict(r) for r in body["reports"]]
            return redirect("excel_import")
        status = code
        context["errors"] = [e for e in body["errors"] if e.get("row")]
        context["file_errors"] = [e["message"] for e in body["errors"] if not e.get("row")]
    can_write = units_writable_by(user=request.user).exists()
    saved = request.session.pop(SAVED_KEY, []) if request.method == "GET" else []
    context |= {
        "saved_reports": [{**r, "url": reverse("report_receipt", args=[r["revision"]])} for r in saved],
        "template_note": _template_note(request.user, campaign),
        "can_write": can_write,
        "parents": _parents(request.user, campaign) if can_write else [],
        "open_days": _open_days(campaign, now),
        "day": campaign_default_day(campaign=campaign, now=now),
    }
    return render(request, "reporting/excel_import.html", context, status=status)
