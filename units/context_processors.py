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
    """Menu entries for the signed-in user's role: only pages that do something for that role.

    A viewer (the People's Committee) reads what a reviewer reads, the official figure included,
    and is offered nothing that writes: no Excel import, whose page would only refuse it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": _entries([("public_progress", _("Tiến độ toàn tỉnh"))])}
    reporter = user.role == "reporter"
    writes_official = user.is_dic
    pairs = []
    if reporter:
        pairs += [("report_today", _("Báo cáo hôm nay")), ("report_history", _("Lịch sử báo cáo"))]
    if user.reads_everything:
        pairs += [("official_figure", _("Số liệu chính thức"))]
    pairs += [
        ("dashboard_overview", _("Tổng quan")),
        ("flags_board", _("Chưa báo cáo")),
        ("question_list", _("Câu hỏi về số liệu")),
    ]
    if not reporter:
        pairs += [("report_history", _("Lịch sử báo cáo"))]
    pairs += [("excel_export", _("Xuất Excel"))]
    if reporter or writes_official:
        pairs += [("excel_import", _("Nhập Excel"))]
    if user.is_staff:
        pairs.append(("admin:index", _("Quản trị")))
    return {"nav_items": _entries(pairs)}
