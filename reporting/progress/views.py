"""Dashboards for DIC and the People's Committee, and the public progress page.

Thin: numbers from reporting.progress.figures / progress.selectors / watch.compliance,
access from units.access (through reporting.progress.dashboards.rows_readable), the
date and snapshot choice from reporting.progress.dashboards — the same as
`/api/v1/progress/` and the Excel export.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.campaigns import campaign_current, campaign_today
from reporting.live import live_board, live_clock
from reporting.progress.dashboards import (
    AS_AT_CHOICES,
    DashboardView,
    chart_data,
    dashboard_view_parse,
    district_of,
    rows_readable,
)
from reporting.progress.data_quality import population_alarms
from reporting.progress.figures import campaign_baseline_rate, campaign_trajectory, province_progress
from reporting.progress.selectors import (
    assisted_by_sector,
    commune_table,
    district_table,
    lagging_units,
    province_projection,
    province_trend,
    staff_table,
)
from reporting.progress.source import FigureSource, figure_source
from reporting.progress.targets import target_count
from reporting.watch import compliance
from reporting.watch.excuses import user_can_excuse
from units.access import unit_readable_by, units_readable_by
from units.models import AgencyGroup, Campaign, Unit


def _marked_labels() -> dict[str, tuple[str, str]]:
    """Compliance status → (one-character mark for the grid, label)."""
    return {status: (compliance.STATUS_MARKS[status], label) for status, label in compliance.status_labels().items()}


def sector_labels() -> dict[str, str]:
    return {"territory": _("Huyện, xã, phường, thị trấn"), **{g.value: str(g.label) for g in AgencyGroup}}


def dashboard_page(page: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give a dashboard the campaign and the day/snapshot asked for, or answer the page that says what is wrong.

    Every dashboard reads `?date=` and `?as_at=` the same way (as the API and
    the export do, through reporting.progress.dashboards), so a wrong one is
    refused the same way everywhere: 503 without a campaign, 400 naming the field.
    """

    @wraps(page)
    def resolved(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        campaign = campaign_current()
        if campaign is None:
            return render(request, "reporting/dashboard_invalid.html", {"no_campaign": True}, status=503)
        view, errors = dashboard_view_parse(campaign=campaign, params=request.GET)
        if view is None:
            context = {"errors": errors, "filter_days": _filter_days(campaign), "as_at_choices": AS_AT_CHOICES,
                       "campaign": campaign}
            return render(request, "reporting/dashboard_invalid.html", context, status=400)
        return page(request, *args, campaign=campaign, view=view, **kwargs)

    return resolved


def _filter_days(campaign: Campaign) -> list:
    today = campaign_today(campaign=campaign)
    return [day for day in reversed(campaign.days()) if day <= today]


def _base_context(request: HttpRequest, campaign: Campaign, view: DashboardView, **extra) -> dict:
    reads_province = unit_readable_by(user=request.user, unit=campaign.root) if request.user.is_authenticated else False
    return {
        "campaign": campaign, "view": view, "filter_days": _filter_days(campaign), "as_at_choices": AS_AT_CHOICES,
        "reads_province": reads_province, "today": campaign_today(campaign=campaign), **extra,
    }


def _province_context(campaign: Campaign, view: DashboardView, source: FigureSource) -> dict:
    """What the overview and the public page both show about the province."""
    progress = province_progress(campaign=campaign, day=view.day, as_at=view.as_at, source=source)
    trend = province_trend(campaign=campaign, until=view.day, as_at=view.as_at, source=source)
    root = campaign.root
    goal = target_count(target_rate=campaign.population_target_rate, denominator=root.population) \
        if root.population else None
    reported = progress.province
    return {
        "progress": progress,
        "trend": trend,
        "projection": province_projection(campaign=campaign, trend=trend),
        "chart": chart_data(campaign=campaign, trend=trend),
        "baseline_rate": campaign_baseline_rate(campaign),
        "target_installed": goal,
        "shortfall": None if goal is None else max(goal - reported.installed, 0),
        "rate_gap": None if reported.rate is None else max(progress.target_rate - reported.rate, 0.0),
    }


@login_required
@live_board
@dashboard_page
def overview(request: HttpRequest, *, campaign: Campaign, view: DashboardView) -> HttpResponse:
    if not unit_readable_by(user=request.user, unit=campaign.root):
        return _redirect_to_own_scope(request, view)
    # One source of figures for the whole page (reporting.progress.source), as for the API answer.
    source = figure_source(campaign=campaign, as_at=view.as_at)
    context = _base_context(request, campaign, view, **_province_context(campaign, view, source))
    context["districts"] = district_table(campaign=campaign, day=view.day, as_at=view.as_at, source=source,
                                          progress=context["progress"])
    context["population_alarms"] = population_alarms(progress=context["progress"], districts=context["districts"])
    day_compliance = compliance.compliance_for_day(campaign=campaign, day=view.day, now=timezone.now(),
                                                   as_at=view.as_at)
    labels = _marked_labels()
    context["compliance_counts"] = [(status, labels[status][1], count)
                                    for status, count in day_compliance.counts.items()]
    sectors = sector_labels()
    context["assisted"] = [(sectors.get(key, key), value)
                           for key, value in assisted_by_sector(campaign=campaign, day=view.day,
                                                                as_at=view.as_at).items()]
    context["can_ask"] = user_can_excuse(request.user)
    context["clock"] = live_clock(campaign=campaign, day=view.day, user=request.user,
                                  units=units_readable_by(user=request.user),
                                  reads_province=True)
    return render(request, "reporting/dashboard_overview.html", context)


def _redirect_to_own_scope(request: HttpRequest, view: DashboardView) -> HttpResponse:
    """A unit user's overview is its own part of the tree (rule 6)."""
    unit = request.user.unit
    district = district_of(unit) if unit is not None else None
    if district is not None:
        return redirect(f"{reverse('dashboard_district', args=[district.code])}?{view.query}")
    if unit is not None:
        return redirect(f"{reverse('dashboard_agencies')}?{view.query}")
    raise Http404


@login_required
@dashboard_page
def district(request: HttpRequest, code: str, *, campaign: Campaign, view: DashboardView) -> HttpResponse:
    """A district and its communes; a commune user sees only its own commune's row."""
    unit = Unit.objects.filter(code=code, active=True).first()
    if unit is None or not unit.is_district:
        raise Http404
    reads_district = unit_readable_by(user=request.user, unit=unit)
    own = getattr(request.user, "unit", None)
    if not reads_district and not (own is not None and own.is_within(unit)):
        raise Http404
    communes = rows_readable(user=request.user,
                             rows=commune_table(campaign=campaign, district=unit, day=view.day, as_at=view.as_at))
    # The same status as the compliance board and the flags board (one vocabulary, reporting.watch.compliance).
    statuses = compliance.compliance_statuses(
        campaign=campaign, units=compliance.units_due(within=Unit.objects.filter(pk__in=[r.unit.pk for r in communes])),
        days=[view.day], now=timezone.now(), as_at=view.as_at)
    for row in communes:
        row.status = statuses.get((row.unit.pk, view.day), "")
        row.status_label = compliance.status_label(row.status) if row.status else ""
    summary = None
    if reads_district:
        rows = district_table(campaign=campaign, day=view.day, as_at=view.as_at,
                              source=figure_source(campaign=campaign, as_at=view.as_at))
        summary = next((row for row in rows if row.unit.pk == unit.pk), None)
    # A commune user sees only its own row: the page is named for that commune, not for the district.
    scope_name = unit.name if reads_district else own.name
    context = _base_context(request, campaign, view, district=unit, summary=summary, communes=communes,
                            can_ask=user_can_excuse(request.user),
                            reads_district=reads_district, scope_name=scope_name, district_count=Unit.objects.districts().filter(
                                active=True).count())
    return render(request, "reporting/dashboard_district.html", context)


@login_required
@dashboard_page
def agencies(request: HttpRequest, *, campaign: Campaign, view: DashboardView) -> HttpResponse:
    """Staff and family installs against 100 % (item 1): provincial agencies, or the user's own units."""
    reads_province = unit_readable_by(user=request.user, unit=campaign.root)
    units = None if reads_province else units_readable_by(user=request.user).exclude(kind="province")
    rows = staff_table(campaign=campaign, day=view.day, units=units, as_at=view.as_at)
    if units is not None:
        rows = [row for row in rows if row.staff_total or row.family_total or row.unit.is_agency]
    groups = sector_labels()
    total_installed = sum(r.staff_installed + r.family_installed for r in rows)
    total_denominator = sum((r.staff_total or 0) + (r.family_total or 0) for r in rows)
    context = _base_context(
        request, campaign, view, rows=rows, group_labels=groups,
        total_staff=sum(r.staff_total or 0 for r in rows), total_family=sum(r.family_total or 0 for r in rows),
        total_staff_installed=sum(r.staff_installed for r in rows),
        total_family_installed=sum(r.family_installed for r in rows),
        total_rate=(total_installed / total_denominator) if total_denominator else None,
        target_rate=float(campaign.staff_target_rate),
        scope_name=None if reads_province or request.user.unit is None else request.user.unit.name,
    )
    return render(request, "reporting/dashboard_agencies.html", context)


@login_required
@dashboard_page
def compliance_board(request: HttpRequest, *, campaign: Campaign, view: DashboardView) -> HttpResponse:
    """Units × campaign days up to the chosen day, coloured by status."""
    scope = units_readable_by(user=request.user)
    choices = list(scope.filter(kind__in=("province", "city", "town", "district"), active=True)
                   .order_by("path").values_list("code", "name"))
    if unit_readable_by(user=request.user, unit=campaign.root):
        choices.append(("agencies", _("Các cơ quan, đơn vị cấp tỉnh")))
    chosen = (request.GET.get("unit") or "").strip()
    if chosen == "agencies" and any(code == "agencies" for code, _name in choices):
        scope = scope.filter(kind="agency")
    elif chosen:
        root = Unit.objects.filter(code=chosen).first()
        if root is None or not unit_readable_by(user=request.user, unit=root):
            raise Http404
        scope = Unit.objects.subtree(root)
    due = compliance.units_due(within=scope)
    units = list(due)
    days = [day for day in campaign.days() if day <= view.day]
    statuses = compliance.compliance_statuses(campaign=campaign, units=due, days=days, now=timezone.now(),
                                              as_at=view.as_at)
    labels = _marked_labels()
    grid = [(unit, [(day, statuses[(unit.pk, day)], *labels[statuses[(unit.pk, day)]]) for day in days])
            for unit in units]
    totals = [
        (status, labels[status], [sum(1 for unit in units if statuses[(unit.pk, day)] == status) for day in days])
        for status in compliance.STATUSES
    ]
    context = _base_context(request, campaign, view, grid=grid, days=days, labels=labels, totals=totals,
                            unit_choices=choices, chosen_unit=chosen)
    return render(request, "reporting/dashboard_compliance.html", context)


@login_required
@dashboard_page
def lagging(request: HttpRequest, *, campaign: Campaign, view: DashboardView) -> HttpResponse:
    """Item 10: units below the trajectory, with the installs they need each remaining day."""
    source = figure_source(campaign=campaign, as_at=view.as_at)
    rows = rows_readable(user=request.user,
                         rows=lagging_units(campaign=campaign, day=view.day, as_at=view.as_at, source=source))
    districts = {d.path: d for d in Unit.objects.districts()}
    items = []
    for row in rows:
        parent = None
        if not row.unit.is_district:
            parent = next((d for path, d in districts.items() if row.unit.path.startswith(path)), None)
        items.append((row, parent))
    context = _base_context(request, campaign, view, items=items,
                            trajectory=campaign_trajectory(campaign=campaign, day=view.day))
    return render(request, "reporting/dashboard_lagging.html", context)


@dashboard_page
def public_progress(request: HttpRequest, *, campaign: Campaign, view: DashboardView) -> HttpResponse:
    """For the newspaper and radio (item 8): province figures and the curve, no unit below the province."""
    source = figure_source(campaign=campaign, as_at=view.as_at)
    context = _base_context(request, campaign, view, public=True, **_province_context(campaign, view, source))
    return render(request, "reporting/public_progress.html", context)
