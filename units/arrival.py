"""When a request reached the portal: reports are timed on arrival, not on pickup (docs/design.md, rule 2).

In production the reverse proxy stamps every request as it accepts it
(nginx: `proxy_set_header X-Request-Start "t=${msec}"`, which also replaces
any such header a client sent). That stamp is believed only when
TRUSTED_PROXY_COUNT says our own proxy is in front, and only when it is not
in the future and at most BLUEZONE_ARRIVAL_MAX_AGE_SECONDS old; otherwise
the request is timed when it reached Django (ArrivalStampMiddleware, first
in the chain), never later.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

ARRIVAL_HEADER = "HTTP_X_REQUEST_START"
# A proxy's clock may run slightly ahead of this host's: tolerated, and then clamped to now.
CLOCK_SKEW = dt.timedelta(seconds=2)
_STAMP = re.compile(r"(?:t=)?([0-9]{9,10}(?:\.[0-9]{1,6})?)")


def arrival_stamp_parse(*, raw: str, received_at: dt.datetime) -> dt.datetime | None:
    """The proxy's stamp ("t=1598515199.850", seconds since the epoch), if believable at `received_at`."""
    match = _STAMP.fullmatch(raw.strip())
    if match is None:
        return None
    stamp = dt.datetime.fromtimestamp(float(match.group(1)), tz=dt.UTC)
    if stamp > received_at + CLOCK_SKEW:
        return None
    if received_at - stamp > dt.timedelta(seconds=settings.BLUEZONE_ARRIVAL_MAX_AGE_SECONDS):
        return None
    return min(stamp, received_at)


def request_arrived_at(request: HttpRequest) -> dt.datetime:
    """The instant `request` reached the portal (the middleware's stamp; now, for a request built without it)."""
    arrived = getattr(request, "arrived_at", None)
    if arrived is None:
        # A DRF Request wraps the HttpRequest the middleware saw.
        arrived = getattr(getattr(request, "_request", None), "arrived_at", None)
    return arrived or timezone.now()


class ArrivalStampMiddleware:
    """Records request.arrived_at before anything else runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        received_at = timezone.now()
        arrived = None
        raw = request.META.get(ARRIVAL_HEADER)
        if raw and settings.TRUSTED_PROXY_COUNT:
            arrived = arrival_stamp_parse(raw=raw, received_at=received_at)
        request.arrived_at = arrived or received_at
        return self.get_response(request)
