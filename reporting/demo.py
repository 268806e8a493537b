"""A realistic demo campaign: accounts, staff totals and 13–29 Aug 2020 history."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from reporting.campaigns import campaign_current
from reporting.intake.services import report_submit
from reporting.models import Channel, DailyReport
from units.models import Campaign, Role, Unit, User
from units.services import user_create

DEMO_ACCOUNTS = [
    # username, role, unit code, password, what it shows
    ("dic.reviewer", Role.REVIEWER, None, "Bluezone@2020", "Sở TT&TT: xem tất cả, nhập số liệu chính thức"),
    ("ubnd.viewer", Role.VIEWER, None, "Bluezone@2020", "Lãnh đạo UBND tỉnh: chỉ xem"),
    ("huyen.vithanh", Role.REPORTER, "930", "Bluezone@2020", "Thành phố Vị Thanh và các phường, xã"),
    ("xa.phuong1", Role.REPORTER, "31318", "Bluezone@2020", "Phường I (Vị Thanh)"),
    ("so.yte", Role.REPORTER, "SYT", "Bluezone@2020", "Sở Y tế"),
]
HISTORY_AUTHOR = "demo.loader"
LAST_DEMO_DAY = dt.date(2020, 8, 29)


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    unit: str
    purpose: str


def demo_accounts_ensure() -> list[DemoAccount]:
    accounts = []
    for username, role, unit_code, password, purpose in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _, _ = user_create(username=username, role=role, unit_code=unit_code, password=password,
                                     email=f"{username}@example.invalid")
        accounts.append(DemoAccount(username, password, user.get_role_display(),
                                    user.unit.name if user.unit else "—", purpose))
    return accounts


def demo_staff_totals(*, rng: random.Random) -> None:
    """Plausible staff and family totals where administrators have not set any."""
    for unit in Unit.objects.exclude(kind__in=("province",)).filter(staff_total__isnull=True):
        if unit.is_agency:
            staff = rng.randint(35, 420)
        elif unit.is_district:
            staff = rng.randint(180, 320)
        else:
            staff = rng.randint(18, 40)
        unit.staff_total = staff
        unit.family_total = int(staff * rng.uniform(2.2, 3.2))
        unit.save(update_fields=["staff_total", "family_total"])


def _submission_time(*, campaign: Campaign, day: dt.date, rng: random.Random, late: bool) -> dt.datetime:
    if late:
        local = dt.datetime.combine(day, dt.time(15, 0), tzinfo=campaign.zone) + dt.timedelta(minutes=rng.randint(1, 300))
    else:
        local = dt.datetime.combine(day, dt.time(7, 30), tzinfo=campaign.zone) + dt.timedelta(minutes=rng.randint(0, 445))
    return local.astimezone(dt.UTC)


def _estimated_sizes(*, province: Unit) -> dict[int, int]:
    """Demo only: spread each district's census population over its communes."""
    sizes = {}
    for district in Unit.objects.subtree(province).districts():
        leaves = list(Unit.objects.subtree(district).leaves())
        share = (district.population or 0) // max(len(leaves), 1)
        for leaf in leaves:
            sizes[leaf.pk] = leaf.population or share
    return sizes


@transaction.atomic
def demo_history_load(*, seed: int = 1747) -> int:
    """Daily reports from the baseline toward (not everywhere reaching) 30 %.

    Returns the number of submissions made; does nothing if reports exist.
    """
    campaign = campaign_current()
    if campaign is None or DailyReport.objects.filter(campaign=campaign).exclude(unit=campaign.root).exists():
        return 0
    rng = random.Random(seed)
    author = User.objects.filter(username=HISTORY_AUTHOR).first()
    if author is None:
        author, _, _ = user_create(username=HISTORY_AUTHOR, role=Role.REPORTER, unit_code=campaign.root.code)
        author.set_unusable_password()
        author.save()
    reviewer = User.objects.get(username="dic.reviewer")
    province = campaign.root
    sizes = _estimated_sizes(province=province)
    baseline_rate = campaign.baseline_installed / campaign.baseline_population
    leaves = list(Unit.objects.subtree(province).leaves())
    staffed = list(Unit.objects.subtree(province).exclude(kind="province").exclude(kind__in=("ward", "township", "commune")))
    # Each unit's own final rate and reliability, so the campaign has leaders and laggards.
    final = {u.pk: rng.uniform(0.17, 0.36) for u in leaves}
    staff_final = {u.pk: rng.uniform(0.7, 1.0) for u in staffed}
    reliability = {u.pk: rng.choice([0.99, 0.97, 0.93, 0.85, 0.7]) for u in leaves + staffed}
    days = [d for d in campaign.days() if d <= LAST_DEMO_DAY]
    span = (LAST_DEMO_DAY - campaign.start_date).days
    count = 0
    for i, day in enumerate(days):
        progress = (i / span) ** 0.85
        for unit in leaves + staffed:
            if rng.random() > reliability[unit.pk] and i > 0:
                continue  # missed this day: carried forward on dashboards
            late = rng.random() < 0.08
            now = _submission_time(campaign=campaign, day=day, rng=rng, late=late)
            if unit.is_leaf_territory:
                size = sizes.get(unit.pk, 5000)
                r = baseline_rate + (final[unit.pk] - baseline_rate) * progress
                values = {
                    "residents_installed": min(int(size * r * rng.uniform(0.98, 1.02)), unit.population or 10**9),
                    "staff_installed": int(unit.staff_total * min(1, 0.5 + 0.5 * progress)),
                    "family_installed": int(unit.family_total * min(1, 0.3 + 0.6 * progress)),
                    "assisted_installs": int(size * 0.01 * progress),
                }
            else:
                s = staff_final[unit.pk]
                values = {
                    "staff_installed": int(unit.staff_total * min(1, 0.4 + (s - 0.4) * progress)),
                    "family_installed": int(unit.family_total * min(1, 0.2 + (s - 0.25) * progress)),
                    "assisted_installs": int(rng.randint(0, 400) * progress),
                }
            reason = "Mất kết nối mạng tại xã, báo cáo bổ sung." if late else None
            report_submit(user=author, unit=unit, day=day, values=values, channel=Channel.DEMO,
                          late_reason=reason, now=now, campaign=campaign)
            count += 1
            if rng.random() < 0.02:  # a correction an hour later
                key = "residents_installed" if unit.is_leaf_territory else "staff_installed"
                values[key] = max(0, values[key] + rng.randint(-30, 60))
                report_submit(user=author, unit=unit, day=day, values=values | {"note": "Điều chỉnh số liệu sau rà soát."},
                              channel=Channel.DEMO, now=now + dt.timedelta(hours=1), campaign=campaign)
                count += 1
        # DIC records the Ministry's official figure for the province each morning.
        official = int(campaign.baseline_installed + (0.27 * province.population - campaign.baseline_installed) * progress)
        report_submit(user=reviewer, unit=province, day=day, values={"residents_installed": official,
                      "note": "Số liệu Bộ Thông tin và Truyền thông"}, channel=Channel.DEMO,
                      now=_submission_time(campaign=campaign, day=day, rng=rng, late=False), campaign=campaign)
        count += 1
    return count
