from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hotline.cases.errors import WorkflowError
from hotline.cases.importing import COLUMNS, import_cases
from hotline.organisation.models import Role, User

EVERY = 100_000  # rows between progress lines on a long import


def _administrator() -> User | None:
    return (
        User.objects.filter(is_active=True, is_superuser=True).order_by("id").first()
        or User.objects.filter(is_active=True, role_grants__role=Role.ADMINISTRATOR)
        .order_by("id")
        .first()
    )


class Command(BaseCommand):
    help = (
        "Import historical cases from the city's earlier system (a .csv or .xlsx file) as "
        "closed cases, for search and the dispatch suggestions. Columns: "
        + "; ".join("/".join(names[:2]) for names in COLUMNS.values())
        + ". Nobody is notified."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8 or GB18030) or .xlsx file")
        parser.add_argument("--user", help="the administrator who imports (a username)")

    def handle(self, *args, file, user, **options):
        actor = User.objects.filter(username=user).first() if user else _administrator()
        if actor is None:
            raise CommandError("Nobody to import as: give --user.")

        def progress(report):
            if report.imported % EVERY == 0:
                self.stderr.write(f"  {report.imported} imported, {len(report.rejected)} rejected")

        try:
            with open(file, "rb") as source:
                report = import_cases(
                    source, actor=actor, file_name=Path(file).name, progress=progress
                )
        except OSError as error:
            raise CommandError(str(error)) from None
        except WorkflowError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {report.imported} cases as {actor}."))
        if report.rejected:
            self.stdout.write(f"Rejected {len(report.rejected)} rows:")
            for rejected in report.rejected:
                self.stdout.write(f"  row {rejected.row}: {rejected.reason}")
