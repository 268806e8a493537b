"""Write the PNG icons of the home-screen app into static/icons/ (units.icons draws them)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from units.icons import SIZES, icon_file_name, icon_png


class Command(BaseCommand):
    help = "Draw static/icons/bluezone-<size>.png from units.icons (run after changing the artwork)."

    def handle(self, *args, **options):
        folder = Path(settings.BASE_DIR) / "static" / "icons"
        folder.mkdir(parents=True, exist_ok=True)
        for size in SIZES:
            path = folder / icon_file_name(size)
            path.write_bytes(icon_png(size))
            self.stdout.write(f"{path.relative_to(settings.BASE_DIR)}: {size} × {size}")
