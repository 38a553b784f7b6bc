import json

from django.core.management.base import BaseCommand

from aduan.triage import accuracy, training


class Command(BaseCommand):
    help = (
        "Latih ulang model saran disposisi dari riwayat laporan; "
        "--accuracy: ketepatan saran di produksi."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--accuracy", action="store_true", help="hanya tampilkan ketepatan saran yang tercatat"
        )

    def handle(self, *args, **options):
        if options["accuracy"]:
            self.stdout.write(json.dumps(accuracy.production_accuracy()) + "\n")
            return
        model = training.train()
        if model is None:
            self.stdout.write(
                f"Belum cukup laporan untuk dilatih (minimal {training.MIN_REPORTS}).\n"
            )
            return
        self.stdout.write(
            f"Model v{model.version} dilatih dari {model.trained_on} laporan "
            f"({model.metrics['train_seconds']} detik).\n"
        )
