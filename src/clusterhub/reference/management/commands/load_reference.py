from pathlib import Path

from django.core.management.base import BaseCommand

from clusterhub.reference import services
from clusterhub.reference.models import NutsRegion


class Command(BaseCommand):
    help = "Load countries, NUTS 2021 regions, ecosystems, NACE and technologies (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--nuts-dir", type=Path, help="Folder with the NUTS GeoJSON files.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the regions are loaded."
        )

    def handle(self, *args, nuts_dir=None, if_empty=False, **options):
        if if_empty and NutsRegion.objects.exists():
            self.stdout.write("Reference data already loaded.")
            return
        services.load_all(nuts_dir)
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference data loaded ({NutsRegion.objects.count()} NUTS regions)."
            )
        )
