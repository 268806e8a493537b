"""Which campaign and which campaign day the portal is on."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reporting.watch import deadlines
from units.models import Campaign


def campaign_current() -> Campaign | None:
    """The most recent campaign (a later campaign is a new row; the later row wins a tie)."""
    return Campaign.objects.select_related("root").order_by("-start_date", "-pk").first()


def campaign_today(*, campaign: Campaign, now: dt.datetime | None = None) -> dt.date:
    return deadlines.local_date(at=now or timezone.now(), zone=campaign.zone)


def campaign_default_day(*, campaign: Campaign, now: dt.datetime | None = None) -> dt.date:
    """Today while the campaign runs; otherwise its nearest day (docs/design.md, "Campaign days")."""
    today = campaign_today(campaign=campaign, now=now)
    if today < campaign.start_date:
        return campaign.start_date
    if today > campaign.target_date:
        return campaign.target_date
    return today


def campaign_is_running(*, campaign: Campaign, now: dt.datetime | None = None) -> bool:
    return campaign.contains(campaign_today(campaign=campaign, now=now))


def campaign_deadline_at(*, campaign: Campaign, day: dt.date) -> dt.datetime:
    return deadlines.deadline_at(day=day, deadline=campaign.deadline, zone=campaign.zone)
