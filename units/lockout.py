"""What a locked-out user sees: JSON on the API, a Vietnamese page in the browser."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKOUT_STATUS = 429


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    message = _("Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau 15 phút.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=LOCKOUT_STATUS)
    return render(request, "registration/locked_out.html", status=LOCKOUT_STATUS)
