"""Where one read takes its figures from: the maintained progress table, or the reports themselves.

The entry points of a read — the `/api/v1/progress/` answer, a dashboard
page, the Excel workbook — choose once (figure_source) and pass the choice
down, so the selectors of one read never disagree about it and the table's
span is ensured once per read, not once per selector. `as_at` snapshots are
always computed from the revisions: the table only keeps figures as they
stand now. A rebuild committed after the choice is caught where the rows
are read (progress_rows checks the span in the same statement): the
selector then computes that part from the reports, with the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from reporting.progress.table import ProgressRow, progress_rows, progress_span_versioned
from units.models import Campaign, Unit


@dataclass(frozen=True)
class FigureSource:
    """One read's source: `span` the days the table covers (None: compute every figure from the reports).

    `preloaded` holds rows read ahead for the whole read (preload), so that the
    selectors' three reads of an answer are one statement: under load every
    round trip to the database waits for the scheduler twice (issue 17).
    """

    campaign: Campaign
    as_at: dt.datetime | None
    span: tuple[dt.date, dt.date] | None
    preloaded: dict = field(default_factory=dict, compare=False, repr=False)
    # With figure_source(version_until=day): the campaign territory's data version up to that day, read with
    # the choice (what the answer cache is keyed by); None otherwise.
    version: str | None = field(default=None, compare=False)

    @property
    def from_table(self) -> bool:
        return self.span is not None

    def _covers(self, *, root: Unit, days: list[dt.date]) -> bool:
        if self.span is None or root.is_leaf_territory or not days:
            return False
        first, last = self.span
        return all(first <= day <= last for day in days)

    def rows(
        self, *, root: Unit, unit_ids: Iterable[int], days: Iterable[dt.date],
    ) -> dict[tuple[int, dt.date], ProgressRow] | None:
        """The table's rows for `unit_ids` × `days` when this read uses the table and it keeps `root`'s figures
        for all of `days`; None: compute them from the reports."""
        days, unit_ids = list(days), list(unit_ids)
        if not self._covers(root=root, days=days):
            return None
        kept, read = self.preloaded.get("rows"), self.preloaded.get("read", set())
        if kept is not None and all((unit_id, day) in read for unit_id in unit_ids for day in days):
            return {(unit_id, day): kept[(unit_id, day)] for unit_id in unit_ids for day in days
                    if (unit_id, day) in kept}
        return progress_rows(unit_ids=unit_ids, days=days)

    def preload(self, *, root: Unit, unit_ids: Iterable[int], days: Iterable[dt.date],
                root_days: Iterable[dt.date]) -> None:
        """Read `unit_ids` × `days` and `root` × `root_days` now, in one statement, for the rows() that follow."""
        unit_ids, days, root_days = list(unit_ids), list(days), list(root_days)
        if not self._covers(root=root, days=days + root_days):
            return
        found = progress_rows(unit_ids=unit_ids, days=days, also=(root.pk, root_days))
        if found is None:
            return  # not covered after all: each rows() asks again, and computes
        self.preloaded["rows"] = found
        self.preloaded["read"] = {(u, d) for u in unit_ids for d in days} | {(root.pk, d) for d in root_days}

    def check(self, *, campaign: Campaign, as_at: dt.datetime | None) -> FigureSource:
        """This source, after making sure it was chosen for the same campaign and instant as the read."""
        if campaign.pk != self.campaign.pk or as_at != self.as_at:
            raise ValueError("a figure source chosen for another campaign or instant")
        return self


# root id → ((units version, root path, database), its active district-level units): see territory_districts.
_DISTRICTS: dict[int, tuple[tuple, list[Unit]]] = {}


def territory_districts(*, root: Unit, source: FigureSource) -> list[Unit]:
    """`root`'s active district-level units, in code order.

    A country has 700 of them, and making 700 model instances took a fifth of
    the live answer (issue 17). While the table is kept PostgreSQL changes its
    version with every unit change and rebuild, but no longer with reports
    (migration 0016), so this process keeps the list until the version moves;
    the version is read in the caller's snapshot, so the list always matches
    the figures read with it. The instances are shared: nothing may change them.
    """
    query = Unit.objects.subtree(root).districts().filter(active=True).order_by("code")
    if not source.from_table:
        return list(query)
    if ("districts", root.pk) in source.preloaded:  # asked before in this read
        return list(source.preloaded[("districts", root.pk)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporting_progress_version()")
        version = cursor.fetchone()[0]
    if version is None:
        return list(query)
    key = (version, root.path, connection.settings_dict["NAME"])
    kept = _DISTRICTS.get(root.pk)
    if kept is not None and kept[0] == key:
        units = kept[1]
    else:
        units = list(query)
        _DISTRICTS[root.pk] = (key, units)
    source.preloaded[("districts", root.pk)] = units
    return list(units)


def figure_source(
    *, campaign: Campaign, as_at: dt.datetime | None = None, now: dt.datetime | None = None,
    version_until: dt.date | None = None,
) -> FigureSource:
    """Choose once for a read: the table (built or extended first, when needed) or the reports."""
    if as_at is not None:
        return FigureSource(campaign=campaign, as_at=as_at, span=None)
    span, version = progress_span_versioned(campaign=campaign, now=now, until=version_until)
    return FigureSource(campaign=campaign, as_at=as_at, span=span, version=version)


def source_for(
    source: FigureSource | None, *, campaign: Campaign, as_at: dt.datetime | None,
) -> FigureSource:
    """The read's source when its entry point chose one, else one chosen now (a selector called on its own)."""
    if source is None:
        return figure_source(campaign=campaign, as_at=as_at)
    return source.check(campaign=campaign, as_at=as_at)


@contextmanager
def figures_snapshot() -> Iterator[None]:
    """Every statement of the block reads one snapshot of the database (PostgreSQL REPEATABLE READ).

    So an answer read while reports are being saved is the figures at one
    instant — the province total, the districts and the trend agree with each
    other — not a mix of statements each seeing a later commit. Read-only
    work: nothing here writes, so it never meets a serialization failure.
    Inside a transaction already (a test, a caller's atomic block), that
    transaction's own isolation applies.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield
