"""Request body parsing that answers 400, never 500, to hostile JSON.

Imported by DRF while it loads its settings: nothing from DRF's views here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class PortalJSONParser(JSONParser):
    """DRF's JSON parser; a body nested deeper than Python can decode is a 400 too.

    The standard parser turns ValueError into ParseError, but `[[[[…` a
    hundred thousand deep raises RecursionError, which DRF lets through as a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError as exc:
            raise ParseError(_("Nội dung gửi lên không phải JSON hợp lệ.")) from exc
