"""API errors: field messages for 400s, and a 503 (never a traceback) when the database is down."""

from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _stock_details() -> dict[type, str]:
    """DRF's stock messages (English; DRF has no Vietnamese for most) in the portal's language."""
    return {
        exceptions.NotAuthenticated: _("Chưa xác thực: gửi kèm tiêu đề “Authorization: Token <token>”."),
        exceptions.PermissionDenied: _("Bạn không có quyền thực hiện thao tác này."),
        exceptions.NotFound: _("Không tìm thấy."),
        exceptions.UnsupportedMediaType: _("Nội dung gửi lên phải là application/json."),
        exceptions.NotAcceptable: _("Chỉ trả lời dạng application/json."),
        exceptions.MethodNotAllowed: _("Không hỗ trợ phương thức này."),
    }


def _vietnamese_detail(exc: exceptions.APIException) -> str | None:
    """A Vietnamese `detail` for DRF's own errors; None keeps the portal's own message."""
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is None:
            return _("Quá nhiều yêu cầu. Vui lòng thử lại sau.")
        return _("Quá nhiều yêu cầu. Vui lòng thử lại sau %(seconds)d giây.") % {"seconds": exc.wait}
    if isinstance(exc, exceptions.ParseError):
        # The parser's message is English and quotes Python internals.
        return _("Nội dung gửi lên không phải JSON hợp lệ.")
    if isinstance(exc, exceptions.AuthenticationFailed):
        return _("Token không hợp lệ hoặc tài khoản không còn hoạt động.")
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        return _("Thiếu hoặc sai mã CSRF; dùng token API thay cho phiên đăng nhập.")
    stock = _stock_details().get(type(exc))
    if stock is not None and str(exc.detail) in (str(exc.default_detail), str(type(exc).default_detail)):
        return stock
    if isinstance(exc, (exceptions.MethodNotAllowed, exceptions.UnsupportedMediaType)):
        # Their stock message quotes the method or media type, so it never equals the default.
        return stock
    return None


def exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)):
        return Response({"detail": _("Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.")}, status=503)
    if isinstance(exc, DatabaseError):
        return None
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException) and isinstance(response.data, dict):
        detail = _vietnamese_detail(exc)
        if detail is not None and "detail" in response.data:
            response.data["detail"] = detail
    return response
