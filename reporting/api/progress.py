"""`GET /api/v1/progress/`: the province and district figures the overview page shows.

Numbers come from reporting.progress.figures / progress.selectors (the same as the
dashboards and the Excel export); scope comes from units.access.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from reporting.campaigns import campaign_current
from reporting.progress.dashboards import (
    AS_AT_DEADLINE,
    AS_AT_NOW,
    DashboardView,
    dashboard_view_parse,
    district_of,
    rows_readable,
)
from reporting.progress.figures import province_progress
from reporting.progress.representation import representation
from reporting.progress.selectors import (
    TerritoryRow,
    commune_table,
    district_table,
    province_projection,
    province_trend,
    staff_table,
)
from reporting.progress.source import FigureSource, figure_source, figures_snapshot, territory_districts
from reporting.progress.table import progress_cached
from reporting.progress.targets import target_count
from units.access import unit_readable_by
from units.models import Unit

RATE_HELP = gettext_lazy("Tỷ lệ dạng phân số (0.3 = 30 %).")


class ProgressQuerySerializer(serializers.Serializer):
    """Only for the schema: the parameters are read by reporting.progress.dashboards.dashboard_view_parse."""

    date = serializers.DateField(
        required=False, help_text=gettext_lazy("Ngày xem, YYYY-MM-DD, trong thời gian chiến dịch; mặc định hôm nay "
        "(hoặc ngày cuối chiến dịch khi chiến dịch đã kết thúc)."),
    )
    as_at = serializers.ChoiceField(
        choices=[AS_AT_NOW, AS_AT_DEADLINE], required=False, default=AS_AT_NOW,
        help_text=gettext_lazy("`now`: mọi số liệu đã nhận đến nay; `deadline`: số liệu như lúc 15:00 (giờ Việt Nam) của "
        "ngày xem — các báo cáo và lần sửa sau 15:00 không được tính."),
    )


class ProvinceProgressSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    population = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Dân số (mẫu số của tỷ lệ)."))
    official_installed = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("Số liệu chính thức do Sở TT&TT nhập (mới nhất đến ngày xem); null nếu chưa có."),
    )
    official_date = serializers.DateField(allow_null=True, help_text=gettext_lazy("Ngày của số liệu chính thức đó."))
    official_rate = serializers.FloatField(allow_null=True, help_text=RATE_HELP)
    reported_installed = serializers.IntegerField(help_text=gettext_lazy("Tổng các xã, phường, thị trấn (báo cáo mới nhất)."))
    reported_rate = serializers.FloatField(allow_null=True, help_text=RATE_HELP)
    target_rate = serializers.FloatField(help_text=RATE_HELP)
    target_installed = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Số người cần cài để đạt mục tiêu."))
    shortfall = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Còn thiếu so với mục tiêu (theo tổng báo cáo)."))
    trajectory_rate = serializers.FloatField(help_text=gettext_lazy(
        "Lộ trình của ngày xem (đường thẳng từ số liệu ban đầu đến mục tiêu). Tỷ lệ dạng phân số (0.3 = 30 %)."))
    required_daily = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Số cài đặt cần thêm mỗi ngày còn lại."))
    days_left = serializers.IntegerField(help_text=gettext_lazy("Số ngày còn lại đến ngày mục tiêu."))
    leaves = serializers.IntegerField(help_text=gettext_lazy("Số xã, phường, thị trấn."))
    stale_leaves = serializers.IntegerField(help_text=gettext_lazy("Số xã, phường, thị trấn chưa có báo cáo của ngày xem."))
    daily_pace = serializers.FloatField(help_text=gettext_lazy("Số cài đặt trung bình mỗi ngày trong 3 ngày gần nhất."))
    projected_date = serializers.DateField(
        allow_null=True, help_text=gettext_lazy("Ngày đạt mục tiêu nếu giữ tốc độ 3 ngày gần nhất; null nếu không đạt."),
    )


class DistrictProgressSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    population = serializers.IntegerField(allow_null=True)
    installed = serializers.IntegerField(help_text=gettext_lazy("Tổng các xã, phường, thị trấn trực thuộc."))
    rate = serializers.FloatField(allow_null=True, help_text=RATE_HELP)
    change = serializers.IntegerField(help_text=gettext_lazy("Thay đổi so với ngày trước."))
    rank = serializers.IntegerField(help_text=gettext_lazy("Thứ hạng theo tỷ lệ trong toàn tỉnh (1 = cao nhất)."))
    lagging = serializers.BooleanField(help_text=gettext_lazy("Dưới lộ trình của ngày xem."))
    leaves = serializers.IntegerField()
    stale_leaves = serializers.IntegerField()
    on_time_leaves = serializers.IntegerField(help_text=gettext_lazy("Số xã, phường, thị trấn báo cáo đúng hạn ngày xem."))
    target_installed = serializers.IntegerField(allow_null=True)
    shortfall = serializers.IntegerField(allow_null=True)
    required_daily = serializers.IntegerField(allow_null=True)


class UnitResidentsSerializer(serializers.Serializer):
    population = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Dân số (null nếu chưa công bố)."))
    installed = serializers.IntegerField(help_text=gettext_lazy("Số người dân đã cài đặt (số liệu gần nhất, cộng dồn)."))
    rate = serializers.FloatField(allow_null=True, help_text=RATE_HELP)
    change = serializers.IntegerField(help_text=gettext_lazy("Thay đổi so với ngày trước."))
    rank = serializers.IntegerField(help_text=gettext_lazy("Thứ hạng theo tỷ lệ: huyện trong toàn tỉnh, xã trong huyện của mình."))
    lagging = serializers.BooleanField(help_text=gettext_lazy("Dưới lộ trình của ngày xem."))
    leaves = serializers.IntegerField()
    stale_leaves = serializers.IntegerField()
    on_time_leaves = serializers.IntegerField()
    target_installed = serializers.IntegerField(allow_null=True)
    shortfall = serializers.IntegerField(allow_null=True)
    required_daily = serializers.IntegerField(allow_null=True)


class UnitStaffSerializer(serializers.Serializer):
    staff_total = serializers.IntegerField(allow_null=True)
    family_total = serializers.IntegerField(allow_null=True)
    staff_installed = serializers.IntegerField()
    family_installed = serializers.IntegerField()
    assisted_installs = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text=gettext_lazy(
        "(cán bộ + người thân đã cài) / (tổng cán bộ + người thân). Tỷ lệ dạng phân số (0.3 = 30 %)."))
    target_rate = serializers.FloatField(help_text=RATE_HELP)
    meets_target = serializers.BooleanField()
    reported_today = serializers.BooleanField(help_text=gettext_lazy("Đơn vị có báo cáo của ngày xem."))
    last_report = serializers.DateField(allow_null=True, help_text=gettext_lazy("Ngày của báo cáo gần nhất."))


class OwnUnitProgressSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    residents = UnitResidentsSerializer(
        allow_null=True, help_text=gettext_lazy("Người dân (huyện, xã, phường, thị trấn); null với cơ quan, đơn vị."),
    )
    staff = UnitStaffSerializer(
        allow_null=True, help_text=gettext_lazy("Cán bộ và người thân (mục tiêu 100 %); null khi đơn vị không có tổng số cán bộ."),
    )


class ProgressSerializer(serializers.Serializer):
    date = serializers.DateField()
    as_at = serializers.ChoiceField(choices=[AS_AT_NOW, AS_AT_DEADLINE])
    as_at_time = serializers.DateTimeField(
        allow_null=True, help_text=gettext_lazy("Thời điểm chụp số liệu khi as_at=deadline; null khi as_at=now."),
    )
    province = ProvinceProgressSerializer(
        help_text=gettext_lazy("Số liệu toàn tỉnh, cho mọi người gọi (công khai tại /cong-khai/)."),
    )
    districts = DistrictProgressSerializer(
        many=True,
        help_text=gettext_lazy("Các huyện, thị xã, thành phố người gọi được xem, theo thứ hạng: tất cả với người xem toàn tỉnh; "
        "chỉ huyện của mình với cán bộ cấp huyện; rỗng với cán bộ xã, phường và cơ quan."),
    )
    unit = OwnUnitProgressSerializer(
        allow_null=True,
        help_text=gettext_lazy("Đơn vị của người gọi (như trang Tổng quan của đơn vị đó); null với tài khoản không gắn đơn vị."),
    )


class ProgressErrorSerializer(serializers.Serializer):
    date = serializers.ListField(child=serializers.CharField(), required=False)
    as_at = serializers.ListField(child=serializers.CharField(), required=False)
    detail = serializers.CharField(required=False)


class ProgressDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


def progress_payload(*, view: DashboardView, user, source: FigureSource | None = None) -> dict:
    """The answer's body; the scope is applied here, the numbers come from the selectors.

    The province figures are public (/cong-khai/), so every caller gets them;
    districts are narrowed to what the caller may read, and a unit's own
    reporter gets its own unit's row as the web pages show it. `source`: where
    the figures come from, chosen once for the whole answer.
    """
    campaign, day, as_at = view.campaign, view.day, view.as_at
    source = source or figure_source(campaign=campaign, as_at=as_at)
    if source.from_table:
        # What the selectors below read of the table — the districts on the day and the day before, the root
        # on every day of the trend — in one statement.
        root = campaign.root
        districts = [d.pk for d in territory_districts(root=root, source=source)]
        source.preload(root=root, unit_ids=[root.pk, *districts], days=[day - dt.timedelta(days=1), day],
                       root_days=[d for d in campaign.days() if d <= day])
    progress = province_progress(campaign=campaign, day=day, as_at=as_at, source=source)
    table = district_table(campaign=campaign, day=day, as_at=as_at, progress=progress, source=source)
    rows = rows_readable(user=user, rows=table)
    projection = province_projection(campaign=campaign, trend=province_trend(campaign=campaign, until=day,
                                                                             as_at=as_at, source=source))
    root, total = campaign.root, progress.province
    goal = target_count(target_rate=campaign.population_target_rate, denominator=root.population) \
        if root.population else None
    province = {
        "code": root.code, "name": root.name, "population": root.population,
        "official_installed": progress.official_installed, "official_date": progress.official_date,
        "official_rate": progress.official_rate,
        "reported_installed": total.installed, "reported_rate": total.rate,
        "target_rate": progress.target_rate, "target_installed": goal,
        "shortfall": None if goal is None else max(goal - total.installed, 0),
        "trajectory_rate": progress.trajectory_rate, "required_daily": progress.required_daily,
        "days_left": progress.days_left, "leaves": total.leaves, "stale_leaves": total.stale_leaves,
        "daily_pace": projection.daily_pace, "projected_date": projection.projected_date,
    }
    return {"date": day, "as_at": view.as_at_choice, "as_at_time": as_at, "province": province,
            "districts": [_territory(r) | {"code": r.unit.code, "name": r.unit.name} for r in rows],
            "unit": _own_unit(view=view, user=user, districts=table)}


def _territory(row: TerritoryRow) -> dict:
    return {
        "population": row.population, "installed": row.installed, "rate": row.rate, "change": row.change,
        "rank": row.rank, "lagging": row.lagging, "leaves": row.leaves, "stale_leaves": row.stale_leaves,
        "on_time_leaves": row.on_time_leaves, "target_installed": row.target_count, "shortfall": row.shortfall,
        "required_daily": row.required_daily,
    }


def _own_unit(*, view: DashboardView, user, districts: list[TerritoryRow]) -> dict | None:
    """The caller's own unit as its web pages show it: a district's row among the districts, a commune's
    within its district (the district page), staff figures as on the agencies page."""
    own = getattr(user, "unit", None)
    if own is None or not unit_readable_by(user=user, unit=own):
        return None
    campaign, day, as_at = view.campaign, view.day, view.as_at
    residents = None
    if own.is_district:
        residents = next((r for r in districts if r.unit.pk == own.pk), None)
    elif own.is_leaf_territory:
        rows = commune_table(campaign=campaign, district=district_of(own) or own, day=day, as_at=as_at)
        residents = next((r for r in rows if r.unit.pk == own.pk), None)
    staff = None
    if own.is_agency or own.staff_total or own.family_total:
        staff = next(iter(staff_table(campaign=campaign, day=day, units=Unit.objects.filter(pk=own.pk),
                                      as_at=as_at)), None)
    return {
        "code": own.code, "name": own.name, "kind": own.kind,
        "residents": _territory(residents) if residents else None,
        "staff": {
            "staff_total": staff.staff_total, "family_total": staff.family_total,
            "staff_installed": staff.staff_installed, "family_installed": staff.family_installed,
            "assisted_installs": staff.assisted_installs, "rate": staff.rate, "target_rate": staff.target_rate,
            "meets_target": staff.meets_target, "reported_today": staff.reported_today,
            "last_report": staff.last_report,
        } if staff else None,
    }


@extend_schema(
    operation_id="progress_retrieve",
    summary=gettext_lazy("Tiến độ cài đặt Bluezone của tỉnh và các huyện"),
    description=(
        gettext_lazy("Số liệu chính thức và tổng hợp từ báo cáo, mục tiêu, lộ trình, số cần cài mỗi ngày, dự báo ngày đạt "
        "mục tiêu; các huyện theo thứ hạng với thay đổi so với hôm trước. Cùng số liệu với trang Tổng quan và "
        "báo cáo Excel cho cùng ngày và cùng `as_at`. Phạm vi theo người gọi: xem `province` và `districts`.")
    ),
    parameters=[ProgressQuerySerializer],
    responses={
        200: ProgressSerializer,
        400: OpenApiResponse(ProgressErrorSerializer,
                             description=gettext_lazy("`date` sai dạng, ngoài chiến dịch hoặc chưa đến; `as_at` không hợp lệ.")),
        401: OpenApiResponse(ProgressDetailSerializer, description=gettext_lazy("Chưa xác thực (thiếu hoặc sai token).")),
        503: OpenApiResponse(ProgressDetailSerializer, description=gettext_lazy("Chưa có chiến dịch, hoặc cơ sở dữ liệu tạm thời lỗi.")),
    },
    tags=["progress"],
)
@api_view(["GET"])
def progress_retrieve(request):
    campaign = campaign_current()
    if campaign is None:
        return Response({"detail": _("Chưa có chiến dịch nào.")}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    view, errors = dashboard_view_parse(campaign=campaign, params=request.query_params)
    if view is None:
        return Response(errors, status=status.HTTP_400_BAD_REQUEST)

    # The source is chosen (and the table's days ensured, which may write) before the read-only snapshot opens.
    source = figure_source(campaign=campaign, as_at=view.as_at, version_until=view.day)

    def answer():
        # ProgressSerializer's representation, built without its per-field machinery (issue 17: it was a third
        # of the answer at national scale); tests/reporting/api/test_api_progress.py checks they are equal.
        return representation(ProgressSerializer, progress_payload(view=view, user=request.user, source=source))

    with figures_snapshot():
        if view.as_at is not None:
            return Response(answer())
        # Live figures: computed once per data version (issue 7, reporting.progress.table).
        # Keyed by the campaign's territory up to the day asked for: a save dated later leaves it cached.
        # The version was read with the choice of source, before the snapshot: an answer computed later is at
        # least as new as its key, never older.
        return Response(progress_cached(campaign=campaign, user=request.user, parts=("api", view.day),
                                        day=view.day, version=source.version, compute=answer))
