"""Security audit trail on the `bluezone.audit` logger: failed logins, lockouts, refused accesses, withdrawn excuses.

Report history is evidence kept in the database (ReportRevision); this is
the other half — who tried what and was turned away. Every value that comes
from the request (user names, paths) is written on one line with control
characters escaped, so a name with a newline cannot forge a log entry.
"""

from __future__ import annotations

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from units.client import client_ip

logger = logging.getLogger("bluezone.audit")

_MAX = 200


def clean(value: object) -> str:
    """One short line: control characters (newlines included) escaped, at most _MAX characters."""
    text = "" if value is None else str(value)
    escaped = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
    return escaped[:_MAX] + ("…" if len(escaped) > _MAX else "")


def _client(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return clean(client_ip(request) or "-")


def _who(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anonymous"
    unit = getattr(user, "unit", None)
    return f"{clean(user.get_username())} (role={clean(user.role)}, unit={clean(unit.code) if unit else '-'})"


def change_recorded(event: str, *, user, **fields) -> None:
    """A reviewer's change that leaves no row of its own behind (an excuse withdrawn), on one line."""
    who = f"{clean(user.get_username())} (role={clean(getattr(user, 'role', '-'))})"
    details = " ".join(f"{clean(key)}={clean(value)}" for key, value in fields.items())
    logger.info("%s: user=%s %s", clean(event), who, details)


def access_refused(request: HttpRequest, *, status: int) -> None:
    logger.warning(
        "access refused: status=%s user=%s ip=%s method=%s path=%s",
        status, _who(request), _client(request), clean(request.method), clean(request.get_full_path()),
    )


@receiver(user_login_failed, dispatch_uid="bluezone_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    locked = bool(getattr(request, "axes_locked_out", False))
    logger.warning(
        "login failed: username=%s ip=%s path=%s locked_out=%s",
        clean(credentials.get("username")), _client(request), clean(getattr(request, "path", "-")), locked,
    )


@receiver(user_locked_out, dispatch_uid="bluezone_audit_locked_out")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    logger.warning("account locked out: username=%s ip=%s", clean(username), clean(ip_address or "-"))


class RefusedAccessLogMiddleware:
    """Logs every 403, and every 404 of an address that names an object (a unit, a report, a receipt).

    A 404 is how the portal refuses an object outside the caller's scope (it
    does not say whether the object exists), so those are logged too; 404s
    for addresses that match no page are not access attempts and are left out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        match = getattr(request, "resolver_match", None)
        if status == 403 or (status == 404 and match is not None and match.kwargs):
            access_refused(request, status=status)
        return response
