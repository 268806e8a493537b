"""A synthetic national tree and campaign for the benchmark (issue 7), loaded with COPY.

Shape: one synthetic country unit `VN` (kind "province": a Campaign has one
root unit, and the portal treats its root as the province whose official
figure DIC types) above 63 provinces (kind "province", no daily duty), about
705 districts and 10,600 communes — the size of Viet Nam in 2020. Codes are
`P01`, `P01D03`, `P01D03C07`, so they never collide with the real Hau Giang
codes (`93`, `930`, `31318`).

History: `days` days of cumulative reports from every district and commune
(districts report staff only, communes residents too), with the gaps, late
submissions, reports for a missed day filed on a later day, and corrections
(a second revision) that real units produce, plus DIC's official national
figure every morning. Every report has its revisions (1, or 2 after a
correction), the report holding the last revision's values, exactly as
reporting.intake.services.report_submit leaves them.

This bypasses report_submit on purpose — a million saves through the
service would take hours — so it writes the same rows the service would,
then rebuilds the maintained progress table from them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from reporting.models import DailyReport, ReportRevision
from reporting.progress.table import progress_table_forget, progress_table_rebuild
from units.models import Campaign, Role, Unit, User

ROOT_CODE = "VN"
LOADER = "bench.loader"
NATIONAL_DISTRICTS, NATIONAL_COMMUNES, NATIONAL_PROVINCES = 705, 10_600, 63
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DatasetSpec:
    provinces: int = NATIONAL_PROVINCES
    districts: int | None = None  # total; default: the national 705 scaled to the provinces asked for
    communes: int | None = None  # total; default: the national 10,600 scaled likewise
    days: int = 120
    seed: int = 2020
    start: dt.date = dt.date(2021, 3, 1)

    @property
    def district_total(self) -> int:
        return self.districts or max(self.provinces, round(NATIONAL_DISTRICTS * self.provinces / NATIONAL_PROVINCES))

    @property
    def commune_total(self) -> int:
        return self.communes or max(self.district_total,
                                    round(NATIONAL_COMMUNES * self.provinces / NATIONAL_PROVINCES))

    @property
    def target_date(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days - 1)


@dataclass
class DatasetSummary:
    units: int = 0
    reports: int = 0
    revisions: int = 0
    late: int = 0
    corrections: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def stderr_progress(label: str, done: int, total: int) -> None:
    """A one-line progress bar on stderr, redrawn in place."""
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r{label:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _split(total: int, parts: int, rng: random.Random, minimum: int = 1) -> list[int]:
    """`total` shared among `parts` unevenly, each at least `minimum`."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    spare = total - minimum * parts
    shares = [minimum + int(spare * w / sum(weights)) for w in weights]
    for i in range(total - sum(shares)):
        shares[i % parts] += 1
    return shares


def _bulk_session(cursor) -> None:
    """Skip foreign-key and maintenance triggers inside this transaction when allowed (superuser).

    What pg_restore --disable-triggers does: the rows are generated
    consistent, the progress table is rebuilt afterwards. Without the
    privilege the load still works, only slower.
    """
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")


def dataset_exists() -> bool:
    return Unit.objects.filter(code=ROOT_CODE).exists()


def dataset_clear(*, progress: Progress | None = None) -> None:
    """Remove the synthetic tree with its campaign, reports, revisions, flags, notifications and accounts."""
    prefix = f"{ROOT_CODE}/%"
    steps = [
        "DELETE FROM reporting_notification WHERE unit_id IN (SELECT id FROM units_unit WHERE path LIKE %s)",
        "DELETE FROM reporting_misseddeadline WHERE unit_id IN (SELECT id FROM units_unit WHERE path LIKE %s)",
        "DELETE FROM reporting_reportrevision WHERE unit_id IN (SELECT id FROM units_unit WHERE path LIKE %s)",
        "DELETE FROM reporting_dailyreport WHERE unit_id IN (SELECT id FROM units_unit WHERE path LIKE %s)",
        "DELETE FROM units_campaign WHERE root_id IN (SELECT id FROM units_unit WHERE path LIKE %s)",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        _bulk_session(cursor)
        for i, sql in enumerate(steps, start=1):
            cursor.execute(sql, [prefix])
            if progress:
                progress("clear", i, len(steps) + 2)
        User.objects.filter(unit__path__startswith=f"{ROOT_CODE}/").delete()
        User.objects.filter(username=LOADER).delete()
        cursor.execute("DELETE FROM units_unit WHERE path LIKE %s", [prefix])
        progress_table_forget()
        if progress:
            progress("clear", len(steps) + 2, len(steps) + 2)


@dataclass
class _Leaf:
    unit: Unit
    reliability: float
    lateness: float
    joins: int
    final: float
    staff_final: float
    last: dict = field(default_factory=dict)


def _tree(spec: DatasetSpec, rng: random.Random) -> tuple[Unit, list[Unit], list[Unit]]:
    """Create the units level by level; returns (root, districts, communes)."""
    root = Unit(code=ROOT_CODE, name="Việt Nam (dữ liệu tổng hợp)", kind="province", must_report=False,
                path=f"{ROOT_CODE}/")
    root.save()
    provinces = Unit.objects.bulk_create([
        Unit(code=f"P{p:02d}", name=f"Tỉnh {p:02d} (tổng hợp)", kind="province", parent=root, must_report=False,
             path=f"{root.path}P{p:02d}/")
        for p in range(1, spec.provinces + 1)
    ])
    district_kinds = [("district", "Huyện"), ("town", "Thị xã"), ("city", "Thành phố")]
    districts: list[Unit] = []
    for province, n in zip(provinces, _split(spec.district_total, len(provinces), rng), strict=True):
        for d in range(1, n + 1):
            kind, label = rng.choices(district_kinds, weights=[80, 10, 10])[0]
            code = f"{province.code}D{d:02d}"
            staff = rng.randint(150, 350)
            districts.append(Unit(code=code, name=f"{label} {code[1:3]}.{d:02d}", kind=kind, parent=province,
                                  path=f"{province.path}{code}/", staff_total=staff,
                                  family_total=int(staff * rng.uniform(2.2, 3.2))))
    districts = Unit.objects.bulk_create(districts)
    leaf_kinds = [("commune", "Xã"), ("ward", "Phường"), ("township", "Thị trấn")]
    communes: list[Unit] = []
    for district, n in zip(districts, _split(spec.commune_total, len(districts), rng), strict=True):
        for c in range(1, n + 1):
            kind, label = rng.choices(leaf_kinds, weights=[75, 18, 7])[0]
            code = f"{district.code}C{c:02d}"
            staff = rng.randint(15, 45)
            communes.append(Unit(
                code=code, name=f"{label} {code[1:3]}.{code[4:6]}.{c:02d}", kind=kind, parent=district,
                path=f"{district.path}{code}/", population=min(max(int(rng.lognormvariate(9.0, 0.55)), 1500), 60_000),
                population_estimated=True, staff_total=staff, family_total=int(staff * rng.uniform(2.2, 3.2)),
            ))
    communes = Unit.objects.bulk_create(communes, batch_size=2000)
    # Census figures for districts differ a little from the sum of their communes (docs/design.md, rule 1).
    by_district: dict[int, int] = {}
    for c in communes:
        by_district[c.parent_id] = by_district.get(c.parent_id, 0) + c.population
    for d in districts:
        d.population = int(by_district.get(d.pk, 0) * rng.uniform(0.97, 1.03))
    Unit.objects.bulk_update(districts, ["population"], batch_size=2000)
    by_province: dict[int, int] = {}
    for d in districts:
        by_province[d.parent_id] = by_province.get(d.parent_id, 0) + d.population
    for p in provinces:
        p.population = by_province.get(p.pk, 0)
    Unit.objects.bulk_update(provinces, ["population"])
    root.population = sum(p.population for p in provinces)
    root.save(update_fields=["population"])
    return root, districts, communes


def _campaign(spec: DatasetSpec, root: Unit) -> Campaign:
    return Campaign.objects.create(
        name=f"Bluezone toàn quốc (dữ liệu tổng hợp, seed {spec.seed})", root=root,
        start_date=spec.start, target_date=spec.target_date,
        population_target_rate=Decimal("0.40"), staff_target_rate=Decimal("1.00"),
        deadline=dt.time(15, 0), time_zone="Asia/Ho_Chi_Minh",
        baseline_date=spec.start, baseline_installed=int(root.population * 0.05),
        baseline_population=root.population, dispatch="Dữ liệu tổng hợp để đo hiệu năng (issue 7)",
    )


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S+00")
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _CopyBuffer:
    """Rows for one COPY, as PostgreSQL's text format."""

    def __init__(self, table: str, columns: tuple[str, ...]):
        self.table, self.columns, self.buffer, self.rows = table, columns, io.StringIO(), 0

    def add(self, *values) -> None:
        self.buffer.write("\t".join(_copy_value(v) for v in values))
        self.buffer.write("\n")
        self.rows += 1

    def flush(self, cursor) -> None:
        if not self.rows:
            return
        self.buffer.seek(0)
        cursor.copy_expert(f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN", self.buffer)
        self.buffer = io.StringIO()
        self.rows = 0


REPORT_COLUMNS = (
    "id", "campaign_id", "unit_id", "date", "residents_installed", "staff_installed", "family_installed",
    "assisted_installs", "note", "late_reason", "first_submitted_at", "first_submitted_by_id", "on_time",
    "updated_at", "updated_by_id", "channel", "revision_count", "warnings",
)
REVISION_COLUMNS = (
    "id", "report_id", "unit_id", "date", "number", "created_at", "author_id", "channel", "ip_address",
    "residents_installed", "staff_installed", "family_installed", "assisted_installs", "note", "previous",
    "warnings",
)
COUNTS = ("residents_installed", "staff_installed", "family_installed", "assisted_installs")


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=ZONE) + dt.timedelta(hours=hour, minutes=minute)


def _reserve_ids(cursor, model, count: int) -> int:
    """Move the id sequence past `count` ids and return the first of them (concurrent inserts get later ids)."""
    table = model._meta.db_table
    cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), nextval(%s))", [sequence])  # noqa: S608
    first = cursor.fetchone()[0] + 1
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count])
    return first


class _History:
    """Generates the reports and revisions, day by day."""

    def __init__(self, spec: DatasetSpec, campaign: Campaign, root: Unit, districts: list[Unit],
                 communes: list[Unit], author: User, rng: random.Random):
        self.spec, self.campaign, self.root, self.author, self.rng = spec, campaign, root, author, rng
        deadline = campaign.deadline
        self.due = {d: dt.datetime.combine(d, deadline, tzinfo=ZONE) for d in campaign.days()}
        self.units = [self._leaf(u) for u in (*districts, *communes)]
        self.summary = DatasetSummary(units=1 + spec.provinces + len(districts) + len(communes))
        self.channels = ["api", "web", "import"]

    def _leaf(self, unit: Unit) -> _Leaf:
        rng = self.rng
        return _Leaf(
            unit=unit, reliability=rng.choice([0.995, 0.98, 0.95, 0.9, 0.8, 0.6]),
            lateness=rng.choice([0.01, 0.03, 0.05, 0.1, 0.2]),
            joins=rng.randint(1, 15) if rng.random() < 0.08 else 0,
            final=rng.uniform(0.2, 0.6), staff_final=rng.uniform(0.7, 1.0),
        )

    def _values(self, leaf: _Leaf, i: int) -> dict:
        rng, unit = self.rng, leaf.unit
        progress = ((i + 1) / self.spec.days) ** 0.8
        last = leaf.last
        staff = min(unit.staff_total, int(unit.staff_total * (0.3 + (leaf.staff_final - 0.3) * progress)))
        family = min(unit.family_total, int(unit.family_total * (0.1 + (leaf.staff_final - 0.2) * progress)))
        values = {
            "residents_installed": None,
            "staff_installed": max(staff, last.get("staff_installed") or 0),
            "family_installed": max(family, last.get("family_installed") or 0),
            "assisted_installs": max(int(rng.randint(0, 300) * progress), last.get("assisted_installs") or 0),
            "note": "",
        }
        if unit.is_leaf_territory:
            rate = 0.05 + (leaf.final - 0.05) * progress * rng.uniform(0.97, 1.03)
            residents = min(int(unit.population * rate), unit.population)
            values["residents_installed"] = max(residents, last.get("residents_installed") or 0)
        return values

    def day(self, i: int, reports: _CopyBuffer, revisions: _CopyBuffer, ids: list[int]) -> None:
        day = self.campaign.start_date + dt.timedelta(days=i)
        rng = self.rng
        for leaf in self.units:
            if i < leaf.joins:
                continue
            if rng.random() > leaf.reliability:
                if rng.random() < 0.7:
                    continue  # missed: carried forward on the dashboards
                # Filed a day or two later, after the next day's report: late, inserted out of order.
                submitted = _at(day + dt.timedelta(days=rng.randint(1, 2)), rng.randint(8, 20), rng.randint(0, 59))
            elif rng.random() < leaf.lateness:
                submitted = _at(day, 15, rng.randint(0, 299))
            else:
                submitted = _at(day, 7, 30 + rng.randint(0, 449))
            self._report(leaf.unit, day, self._values(leaf, i), submitted, reports, revisions, ids)
            leaf.last = self.summary_last

        progress = ((i + 1) / self.spec.days) ** 0.8
        official = int(self.campaign.baseline_installed
                       + (0.35 * self.root.population - self.campaign.baseline_installed) * progress)
        self._report(self.root, day, {"residents_installed": official, "staff_installed": None,
                                      "family_installed": None, "assisted_installs": None,
                                      "note": "Số liệu Bộ Thông tin và Truyền thông"},
                     _at(day, 8, rng.randint(0, 59)), reports, revisions, ids, corrections=False)

    def _report(self, unit: Unit, day: dt.date, values: dict, submitted: dt.datetime, reports: _CopyBuffer,
                revisions: _CopyBuffer, ids: list[int], corrections: bool = True) -> None:
        rng = self.rng
        on_time = submitted < self.due[day]
        channel = rng.choices(self.channels, weights=[40, 50, 10])[0]
        history = [(submitted, dict(values))]
        if corrections and rng.random() < 0.02:
            corrected = dict(values, note="Điều chỉnh số liệu sau rà soát.")
            key = "residents_installed" if values["residents_installed"] is not None else "staff_installed"
            ceiling = unit.population if key == "residents_installed" else unit.staff_total
            corrected[key] = min(values[key] + rng.randint(1, 50), ceiling)
            history.append((submitted + dt.timedelta(minutes=rng.randint(20, 180)), corrected))
            self.summary.corrections += 1
        report_id = ids[0]
        ids[0] += 1
        final_at, final = history[-1]
        late_reason = "" if on_time else "Mất kết nối mạng, báo cáo bổ sung."
        reports.add(report_id, self.campaign.pk, unit.pk, day, *(final[k] for k in COUNTS), final["note"],
                    late_reason, submitted, self.author.pk, on_time, final_at, self.author.pk, channel,
                    len(history), "[]")
        previous = None
        for number, (at, vals) in enumerate(history, start=1):
            revisions.add(ids[1], report_id, unit.pk, day, number, at, self.author.pk, channel, None,
                          *(vals[k] for k in COUNTS), vals["note"],
                          None if previous is None else json.dumps(previous, ensure_ascii=False), "[]")
            ids[1] += 1
            previous = vals
        self.summary.reports += 1
        self.summary.revisions += len(history)
        self.summary.late += int(not on_time)
        self.summary_last = final


def dataset_generate(spec: DatasetSpec, *, progress: Progress | None = stderr_progress) -> DatasetSummary:
    """Build the tree, the campaign and its history; then the progress table. Refuses if the tree exists."""
    if dataset_exists():
        raise ValueError(f"Đã có dữ liệu tổng hợp (đơn vị {ROOT_CODE}); dùng --clear để tạo lại.")
    rng = random.Random(spec.seed)
    started = time.monotonic()
    with transaction.atomic():
        root, districts, communes = _tree(spec, rng)
        campaign = _campaign(spec, root)
        author = User.objects.create_user(LOADER, role=Role.REPORTER, unit=root)
        author.set_unusable_password()
        author.save()
    history = _History(spec, campaign, root, districts, communes, author, rng)
    summary = history.summary
    summary.seconds["units"] = time.monotonic() - started

    started = time.monotonic()
    bound = (len(history.units) + 1) * spec.days
    with connection.cursor() as cursor:
        ids = [_reserve_ids(cursor, DailyReport, bound), _reserve_ids(cursor, ReportRevision, 2 * bound)]
    reports = _CopyBuffer(DailyReport._meta.db_table, REPORT_COLUMNS)
    revisions = _CopyBuffer(ReportRevision._meta.db_table, REVISION_COLUMNS)
    step = 5
    for first in range(0, spec.days, step):
        with transaction.atomic(), connection.cursor() as cursor:
            _bulk_session(cursor)
            for i in range(first, min(first + step, spec.days)):
                history.day(i, reports, revisions, ids)
            reports.flush(cursor)
            revisions.flush(cursor)
        if progress:
            progress("reports", min(first + step, spec.days), spec.days)
    summary.seconds["reports"] = time.monotonic() - started

    started = time.monotonic()
    with connection.cursor() as cursor:
        for model in (Unit, Campaign, DailyReport, ReportRevision):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    progress_table_rebuild(campaign=campaign)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reporting_progressday")
    summary.seconds["progress_table"] = time.monotonic() - started
    return summary
