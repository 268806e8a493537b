"""Dashboard reads built on reporting.progress.figures: tables, trend, projection.

The pages, `/api/v1/progress/` and the Excel export all call these, so the
same date and `as_at` give the same numbers everywhere. Every function makes
a fixed number of queries, whatever the number of units.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet

from reporting.models import DailyReport, ReportRevision
from reporting.postgres.dialect import date_from_db
from reporting.progress import targets
from reporting.progress.figures import (
    ProvinceProgress,
    TerritoryFigures,
    campaign_trajectory,
    latest_values,
    path_prefixes,
    province_progress,
    territory_figures,
)
from reporting.progress.source import FigureSource, source_for
from reporting.progress.table import EMPTY
from units.models import LEAF_KINDS, Campaign, Unit

PACE_DAYS = 3


@dataclass
class TerritoryRow:
    unit: Unit
    population: int | None
    installed: int
    rate: float | None
    change: int
    rank: int
    lagging: bool
    target_count: int | None
    shortfall: int | None
    required_daily: int | None
    leaves: int = 0
    stale_leaves: int = 0
    reported_today: bool = True
    on_time_leaves: int = 0


def _previous_day(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


def _ranked(rows: list[TerritoryRow]) -> list[TerritoryRow]:
    """Rank by rate (units without a population go last, by installs)."""
    ordered = sorted(rows, key=lambda r: (r.rate is None, -(r.rate or 0), -r.installed, r.unit.code))
    for rank, row in enumerate(ordered, start=1):
        row.rank = rank
    return ordered


def _target_fields(campaign: Campaign, population: int | None, installed: int, days: int) -> dict:
    if not population:
        return {"target_count": None, "shortfall": None, "required_daily": None}
    count = targets.target_count(target_rate=campaign.population_target_rate, denominator=population)
    return {
        "target_count": count,
        "shortfall": max(count - installed, 0),
        "required_daily": targets.required_daily(
            installed=installed, denominator=population, target_rate=campaign.population_target_rate, days=days,
        ),
    }


def _on_time_leaves(*, root: Unit, day: dt.date, source: FigureSource) -> dict[str, int]:
    """Active leaves with an on-time report for `day`, counted for every district path above them, in one query.

    Whether a report is on time is fixed at its first submission, so this is
    the same with or without an `as_at` snapshot.
    """
    districts = dict(Unit.objects.subtree(root).districts().filter(active=True).values_list("pk", "path"))
    kept = source.rows(root=root, unit_ids=districts, days=[day])
    if kept is not None:
        return {path: kept.get((pk, day), EMPTY).on_time_leaves for pk, path in districts.items()}
    rows = (
        DailyReport.objects.filter(unit__path__startswith=root.path, unit__kind__in=LEAF_KINDS,
                                   unit__active=True, date=day, on_time=True)
        .values_list("unit__path", flat=True)
    )
    counts: dict[str, int] = {}
    for path in rows:
        for key in path_prefixes(path):
            counts[key] = counts.get(key, 0) + 1
    return counts


def district_table(
    *, campaign: Campaign, day: dt.date, as_at: dt.datetime | None = None, progress: ProvinceProgress | None = None,
    source: FigureSource | None = None,
) -> list[TerritoryRow]:
    """Districts ranked by rate, with the change since the previous day."""
    source = source_for(source, campaign=campaign, as_at=as_at)
    progress = progress or province_progress(campaign=campaign, day=day, as_at=as_at, source=source)
    before, on_time = _before_and_on_time(campaign=campaign, day=day, as_at=as_at, source=source,
                                          districts=[f.unit for f in progress.districts])
    rows = [
        TerritoryRow(
            unit=f.unit, population=f.population, installed=f.installed, rate=f.rate,
            change=f.installed - before.get(f.unit.pk, 0), rank=0, lagging=f.lagging,
            leaves=f.leaves, stale_leaves=f.stale_leaves, on_time_leaves=on_time.get(f.unit.path, 0),
            **_target_fields(campaign, f.population, f.installed, progress.days_left),
        )
        for f in progress.districts
    ]
    return _ranked(rows)


def _before_and_on_time(
    *, campaign: Campaign, day: dt.date, as_at: dt.datetime | None, districts: list[Unit], source: FigureSource,
) -> tuple[dict[int, int], dict[str, int]]:
    """Each district's installs the day before (by id) and its on-time leaves on `day` (by path)."""
    yesterday = _previous_day(day)
    root = campaign.root
    rows = source.rows(root=root, unit_ids=[d.pk for d in districts], days=[yesterday, day])
    if rows is not None:
        return ({d.pk: rows.get((d.pk, yesterday), EMPTY).residents_installed for d in districts},
                {d.path: rows.get((d.pk, day), EMPTY).on_time_leaves for d in districts})
    _, figures = territory_figures(campaign=campaign, root=root, day=yesterday, as_at=as_at, source=source)
    return {f.unit.pk: f.installed for f in figures}, _on_time_leaves(root=root, day=day, source=source)


def commune_table(
    *, campaign: Campaign, district: Unit, day: dt.date, as_at: dt.datetime | None = None,
) -> list[TerritoryRow]:
    """A district's communes (or a single commune), ranked within the district.

    Most commune populations are not public: their rate is None and the page
    says the population is missing rather than inventing one.
    """
    leaves = Unit.objects.subtree(district).leaves().filter(active=True)
    return _ranked(_leaf_rows(campaign=campaign, leaves=leaves, day=day, as_at=as_at))


def _leaf_rows(
    *, campaign: Campaign, leaves: QuerySet[Unit], day: dt.date, as_at: dt.datetime | None,
) -> list[TerritoryRow]:
    """Unranked rows for any set of leaves, in a fixed number of queries."""
    units = list(leaves.order_by("code"))
    today = latest_values(units=leaves, day=day, as_at=as_at)
    yesterday = latest_values(units=leaves, day=_previous_day(day), as_at=as_at)
    trajectory = campaign_trajectory(campaign=campaign, day=day)
    days = targets.days_left(day=day, target_date=campaign.target_date)
    on_time = set(
        DailyReport.objects.filter(unit__in=leaves, date=day, on_time=True).values_list("unit_id", flat=True)
    )
    rows = []
    for unit in units:
        now_values, before_values = today.get(unit.pk), yesterday.get(unit.pk)
        installed = (now_values.residents_installed or 0) if now_values else 0
        previous = (before_values.residents_installed or 0) if before_values else 0
        rate = targets.rate(installed, unit.population)
        rows.append(TerritoryRow(
            unit=unit, population=unit.population, installed=installed, rate=rate, change=installed - previous,
            rank=0, lagging=targets.is_lagging(rate_value=rate, trajectory=trajectory),
            leaves=1, stale_leaves=int(now_values is None or now_values.date != day),
            reported_today=now_values is not None and now_values.date == day,
            on_time_leaves=int(unit.pk in on_time),
            **_target_fields(campaign, unit.population, installed, days),
        ))
    return rows


@dataclass
class StaffRow:
    unit: Unit
    staff_total: int | None
    family_total: int | None
    staff_installed: int
    family_installed: int
    assisted_installs: int
    rate: float | None
    target_rate: float
    meets_target: bool
    reported_today: bool
    last_report: dt.date | None


def staff_table(
    *, campaign: Campaign, day: dt.date, units: QuerySet[Unit] | None = None, as_at: dt.datetime | None = None,
) -> list[StaffRow]:
    """Staff + family installs against 100 % (item 1 of the dispatch); agencies by default."""
    units = units if units is not None else Unit.objects.subtree(campaign.root).agencies()
    units = units.filter(active=True)
    latest = latest_values(units=units, day=day, as_at=as_at)
    target = float(campaign.staff_target_rate)
    rows = []
    for unit in units.order_by("group", "code"):
        values = latest.get(unit.pk)
        staff = (values.staff_installed or 0) if values else 0
        family = (values.family_installed or 0) if values else 0
        denominator = (unit.staff_total or 0) + (unit.family_total or 0)
        rate = targets.rate(staff + family, denominator)
        rows.append(StaffRow(
            unit=unit, staff_total=unit.staff_total, family_total=unit.family_total,
            staff_installed=staff, family_installed=family,
            assisted_installs=(values.assisted_installs or 0) if values else 0,
            rate=rate, target_rate=target, meets_target=rate is not None and rate >= target,
            reported_today=values is not None and values.date == day,
            last_report=values.date if values else None,
        ))
    return rows


@dataclass
class TrendPoint:
    day: dt.date
    reported_installed: int
    reported_rate: float | None
    official_installed: int | None
    official_rate: float | None
    trajectory_rate: float


def province_trend(
    *, campaign: Campaign, until: dt.date, as_at: dt.datetime | None = None, source: FigureSource | None = None,
) -> list[TrendPoint]:
    """One point per campaign day up to `until`, each equal to province_progress for that day.

    The sums come from the progress table, or are computed by the database
    from the whole history in one query, so neither the number of queries
    nor the memory used depends on the number of units or days.
    """
    days = [day for day in campaign.days() if day <= until]
    if not days:
        return []
    root = campaign.root
    rows = source_for(source, campaign=campaign, as_at=as_at).rows(root=root, unit_ids=[root.pk], days=days)
    if rows is not None:
        reported = {day: rows.get((root.pk, day), EMPTY).residents_installed for day in days}
    else:
        reported = _reported_by_day(root=root, days=days, as_at=as_at)
    official_history = _residents_history(units=Unit.objects.none(), root=root, until=until, as_at=as_at).get(
        root.pk, [])
    points = []
    for day in days:
        official = _latest_on(official_history, day)
        official_installed = official[1] if official else None
        points.append(TrendPoint(
            day=day, reported_installed=reported[day], reported_rate=targets.rate(reported[day], root.population),
            official_installed=official_installed, official_rate=targets.rate(official_installed, root.population),
            trajectory_rate=campaign_trajectory(campaign=campaign, day=day),
        ))
    return points


def _reported_by_day(*, root: Unit, days: list[dt.date], as_at: dt.datetime | None) -> dict[dt.date, int]:
    """Each day's sum over the active leaves of their latest figure (as known at `as_at`), in one query.

    The database turns the history into one change per leaf and report with a
    figure (its figure from its date, taken away at the leaf's next report
    with a figure: a blank keeps the one before) and sums them by
    day; only those sums come back, so memory does not grow with the history
    (1.2 million revisions for a country).
    """
    first, until = days[0], days[-1]
    leaves_sql, leaves_params = (
        Unit.objects.subtree(root).leaves().filter(active=True).order_by().values("pk").query.sql_with_params()
    )
    qn = connection.ops.quote_name
    if as_at is None:
        snapshot = (f"SELECT unit_id, date, residents_installed AS res FROM {qn(DailyReport._meta.db_table)} "  # noqa: S608
                    f"WHERE date <= %s AND unit_id IN ({leaves_sql})")
        params = [until, *leaves_params]
    else:
        # Each date's last revision saved strictly before `as_at` (the selectors' snapshot rule).
        snapshot = (f"SELECT unit_id, date, res FROM (SELECT unit_id, date, residents_installed AS res, "  # noqa: S608
                    f"ROW_NUMBER() OVER (PARTITION BY unit_id, date ORDER BY created_at DESC, number DESC) AS n "
                    f"FROM {qn(ReportRevision._meta.db_table)} "
                    f"WHERE date <= %s AND created_at < %s AND unit_id IN ({leaves_sql})) latest WHERE n = 1")
        params = [until, connection.ops.adapt_datetimefield_value(as_at), *leaves_params]
    sql = f"""
        WITH snapshot AS ({snapshot}),
        dated AS (
            -- Rule 1 per count: a blank figure is no new figure, so only reports with one start or end it.
            SELECT date, res, LEAD(date) OVER (PARTITION BY unit_id ORDER BY date) AS next_date
            FROM snapshot WHERE res IS NOT NULL
        )
        SELECT day, SUM(delta) FROM (
            SELECT CASE WHEN date < %s THEN %s ELSE date END AS day, res AS delta
            FROM dated WHERE next_date IS NULL OR next_date > %s
            UNION ALL
            SELECT next_date AS day, -res AS delta FROM dated WHERE next_date > %s
        ) changes GROUP BY day
    """  # noqa: S608 — table names from model metadata, every value a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, first, first, first, first])
        changes = sorted((date_from_db(day), int(delta)) for day, delta in cursor.fetchall())
    reported, total, i = {}, 0, 0
    for day in days:
        while i < len(changes) and changes[i][0] <= day:
            total += changes[i][1]
            i += 1
        reported[day] = total
    return reported


def _residents_history(
    *, units: QuerySet[Unit], root: Unit, until: dt.date, as_at: dt.datetime | None,
) -> dict[int, list[tuple[dt.date, int | None]]]:
    """Per unit, (date, residents) ascending, blank figures left out (rule 1: a blank keeps the one before);
    with `as_at`, each date's last revision known then."""
    where = Q(unit__in=units) | Q(unit=root)
    if as_at is None:
        rows = DailyReport.objects.filter(where, date__lte=until).order_by("unit_id", "date")
    else:
        rows = ReportRevision.objects.filter(where, date__lte=until, created_at__lt=as_at).order_by(
            "unit_id", "date", "created_at", "number",
        )
    by_unit: dict[int, dict[dt.date, int | None]] = {}
    for unit_id, day, residents in rows.values_list("unit_id", "date", "residents_installed"):
        by_unit.setdefault(unit_id, {})[day] = residents  # later revisions of a date overwrite earlier ones
    return {unit_id: sorted((day, value) for day, value in dated.items() if value is not None)
            for unit_id, dated in by_unit.items()}


def _latest_on(dated: list[tuple[dt.date, int | None]], day: dt.date) -> tuple[dt.date, int | None] | None:
    index = bisect.bisect_right(dated, day, key=lambda item: item[0])
    return dated[index - 1] if index else None


@dataclass
class Projection:
    daily_pace: float
    projected_date: dt.date | None
    reaches_target_in_time: bool


def province_projection(*, campaign: Campaign, trend: list[TrendPoint]) -> Projection:
    """When 30 % is reached at the pace of the last three days (reported figures)."""
    if not trend:
        return Projection(daily_pace=0.0, projected_date=None, reaches_target_in_time=False)
    last = trend[-1]
    base = trend[max(len(trend) - 1 - PACE_DAYS, 0)]
    span = (last.day - base.day).days
    pace = (last.reported_installed - base.reported_installed) / span if span else 0.0
    projected = targets.projected_date(
        day=last.day, installed=last.reported_installed, denominator=campaign.root.population,
        target_rate=campaign.population_target_rate, daily_pace=pace,
    )
    return Projection(
        daily_pace=pace, projected_date=projected,
        reaches_target_in_time=projected is not None and projected <= campaign.target_date,
    )


def assisted_by_sector(*, campaign: Campaign, day: dt.date, as_at: dt.datetime | None = None) -> dict[str, int]:
    """Items 2–7: people helped to install, by agency group ('territory' for communes and districts)."""
    units = Unit.objects.subtree(campaign.root).exclude(kind="province").filter(active=True)
    groups = dict(units.values_list("pk", "group"))
    totals: dict[str, int] = {}
    for unit_id, values in latest_values(units=units, day=day, as_at=as_at).items():
        key = groups.get(unit_id) or "territory"
        totals[key] = totals.get(key, 0) + (values.assisted_installs or 0)
    return dict(sorted(totals.items()))


def lagging_units(
    *, campaign: Campaign, day: dt.date, as_at: dt.datetime | None = None, source: FigureSource | None = None,
) -> list[TerritoryRow]:
    """Item 10's "rate is low": districts and communes (with a known population) below the trajectory.

    Districts first (by rank), then each district's communes (districts by code,
    communes ranked within their district, as commune_table ranks them).
    """
    rows = [r for r in district_table(campaign=campaign, day=day, as_at=as_at, source=source) if r.lagging]
    districts = list(Unit.objects.subtree(campaign.root).districts().filter(active=True).order_by("code"))
    leaves = Unit.objects.subtree(campaign.root).leaves().filter(active=True)
    by_district: dict[str, list[TerritoryRow]] = {d.path: [] for d in districts}
    for row in _leaf_rows(campaign=campaign, leaves=leaves, day=day, as_at=as_at):
        district = next((path for path in by_district if row.unit.path.startswith(path)), None)
        if district is not None:
            by_district[district].append(row)
    for district in districts:
        rows += [r for r in _ranked(by_district[district.path]) if r.lagging]
    return rows


def reports_count_by_day(
    *, campaign: Campaign, units: QuerySet[Unit], as_at: dt.datetime | None = None,
) -> dict[dt.date, dict[str, int]]:
    """How many reports were on time and late on each campaign day (with `as_at`: first submitted before then)."""
    reports = DailyReport.objects.filter(campaign=campaign, unit__in=units)
    if as_at is not None:
        reports = reports.filter(first_submitted_at__lt=as_at)
    rows = (
        reports
        .values("date")
        # Aliases must not be "on_time": an annotation of that name would shadow the field in the filters.
        .annotate(n_on_time=Count("pk", filter=Q(on_time=True)), n_late=Count("pk", filter=Q(on_time=False)))
    )
    return {r["date"]: {"on_time": r["n_on_time"], "late": r["n_late"]} for r in rows}


__all__ = [
    "Projection", "StaffRow", "TerritoryFigures", "TerritoryRow", "TrendPoint", "assisted_by_sector",
    "commune_table", "district_table", "lagging_units", "province_projection", "province_trend",
    "reports_count_by_day", "staff_table",
]
