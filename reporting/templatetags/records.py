"""Stored records worded for the reader: {% load records %} {{ warning|warning_text }}."""

from __future__ import annotations

from django import template

from reporting.record_text import warning_text as _warning_text

register = template.Library()


@register.filter
def warning_text(warning) -> str:
    return _warning_text(warning) if isinstance(warning, dict) else str(warning or "")
