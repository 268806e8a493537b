"""How an API request proves who sent it.

Imported by DRF while it loads its settings, so it imports nothing of
DRF's views (a circular import otherwise).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class PortalTokenAuthentication(TokenAuthentication):
    """DRF's token check, refusing keys no token can have before asking the database.

    PostgreSQL cannot even be asked about a string with a NUL byte; such a
    header must be a 401, not a 500.
    """

    def authenticate_credentials(self, key):
        max_length = self.get_model()._meta.get_field("key").max_length
        if not key or len(key) > max_length or not key.isascii() or not key.isalnum():
            raise exceptions.AuthenticationFailed(_("Token không hợp lệ."))
        # DRF's lookup, with the caller's unit in the same query: every scope check (units.access) reads it.
        token = self.get_model().objects.select_related("user", "user__unit").filter(key=key).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Token không hợp lệ hoặc tài khoản không còn hoạt động."))
        return token.user, token
