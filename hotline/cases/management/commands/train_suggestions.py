from django.core.management.base import BaseCommand

from hotline.cases.suggestions import MAX_CASES, train_suggestions


class Command(BaseCommand):
    help = (
        "Train the dispatch suggestions on the closed cases (the worker does it nightly): "
        "category and handling unit from the case's words."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=MAX_CASES, help="the newest closed cases to learn from"
        )

    def handle(self, *args, limit, **options):
        row = train_suggestions(limit)
        if row is None:
            self.stdout.write("Too few closed cases with categories and units: nothing trained.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Trained on {row.cases} cases in {row.seconds} s "
                f"({row.metadata.get('words')} words)."
            )
        )
