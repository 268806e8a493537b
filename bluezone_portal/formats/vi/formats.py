"""Vietnamese number format: 55.289 and 7,54 (Django's own vi formats do not group thousands)."""

from django.conf.locale.vi.formats import *  # noqa: F403

NUMBER_GROUPING = 3
