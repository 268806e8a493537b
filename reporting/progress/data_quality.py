"""Data-quality alarms for reviewers (rule 5).

A territory whose leaves' reports add up to more than its population cannot
be right: each commune's figure is bounded by the nearest known population
on its own, but their sum may still exceed the district's or the province's.
Such a territory is shown to reviewers as an alarm, never as a rate above
100 % without comment. Reads only: over rows the dashboards already read,
and the warnings stored with the day's reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from reporting.models import ReportRevision
from reporting.progress.figures import ProvinceProgress, TerritoryFigures
from reporting.progress.selectors import TerritoryRow
from units.models import Unit


@dataclass(frozen=True)
class PopulationAlarm:
    unit: Unit
    installed: int
    population: int

    @property
    def excess(self) -> int:
        return self.installed - self.population

    @property
    def rate(self) -> float:
        return self.installed / self.population


def above_population(row: TerritoryRow | TerritoryFigures) -> bool:
    return row.population is not None and row.installed > row.population


def population_alarms(
    *, progress: ProvinceProgress | None, districts: Iterable[TerritoryRow] = (),
) -> list[PopulationAlarm]:
    """The province (sum of reports) and the districts whose reports add up to more than their population."""
    rows: list[TerritoryRow | TerritoryFigures] = []
    if progress is not None:
        rows.append(progress.province)
    rows += list(districts)
    return [PopulationAlarm(unit=row.unit, installed=row.installed, population=row.population)
            for row in rows if above_population(row)]


@dataclass(frozen=True)
class StoredWarning:
    revision: ReportRevision
    warning: dict


def warnings_of_day(*, root: Unit, day: dt.date, known_at: dt.datetime) -> list[StoredWarning]:
    """The warnings of each unit's report for `day` as it stood at `known_at` (its latest revision by then)."""
    revisions = (
        ReportRevision.objects.filter(date=day, unit__path__startswith=root.path, created_at__lte=known_at)
        .exclude(warnings=[]).select_related("unit").order_by("unit__path", "-number")
    )
    found, seen = [], set()
    latest = {
        row["unit_id"]: row["number"]
        for row in ReportRevision.objects.filter(date=day, unit__path__startswith=root.path, created_at__lte=known_at)
        .order_by("unit_id", "number").values("unit_id", "number")
    }
    for revision in revisions:
        if revision.unit_id in seen or latest.get(revision.unit_id) != revision.number:
            continue  # only the report as it stood: a warning a later save cleared is not shown
        seen.add(revision.unit_id)
        found += [StoredWarning(revision=revision, warning=warning) for warning in revision.warnings]
    return found
