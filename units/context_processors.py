from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


def _entries(pairs):
    items = []
    for name, label in pairs:
        try:
            items.append((reverse(name), label, name))
        except NoReverseMatch:
            continue
    return items


def navigation(request):
    """Menu entries for the signed-in user's role (only pages they may open)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": _entries([("public_progress", _("Tiến độ toàn tỉnh"))])}
    pairs = []
    if user.role == "reporter":
        pairs += [("report_today", _("Báo cáo hôm nay")), ("report_history", _("Lịch sử báo cáo"))]
    if user.role in ("reviewer", "admin") or user.is_superuser:
        pairs += [("official_figure", _("Số liệu chính thức"))]
    pairs += [
        ("dashboard_overview", _("Tổng quan")),
        ("flags_board", _("Chưa báo cáo")),
        ("question_list", _("Câu hỏi về số liệu")),
        ("excel_import", _("Nhập Excel")),
    ]
    if user.is_staff:
        pairs.append(("admin:index", _("Quản trị")))
    return {"nav_items": _entries(pairs)}
