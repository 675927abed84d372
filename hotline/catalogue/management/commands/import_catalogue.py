from datetime import date

from django.core.management.base import BaseCommand, CommandError

from hotline.cases.actions import city_bureau
from hotline.cases.errors import WorkflowError
from hotline.catalogue.spreadsheet import import_workbook
from hotline.organisation.models import Role, RoleGrant, User


class Command(BaseCommand):
    help = (
        "Import the dispatch catalogue from a spreadsheet (N5): one entry a row under the "
        "headings 事项, 子事项, 关键词, 区县, 街道, 责任单位, 牵头单位, 协办单位. The rows "
        "replace the open draft's entries (a new draft from --effective-on if none is "
        "open); --publish publishes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="an .xlsx file")
        parser.add_argument("--effective-on", help="the new draft's date, YYYY-MM-DD")
        parser.add_argument(
            "--user", help="who imports (a username); by default the city bureau's dispatcher"
        )
        parser.add_argument("--publish", action="store_true", help="publish the draft at once")

    def handle(self, *args, file, effective_on, user, publish, **options):
        from hotline.catalogue.actions import publish_version

        try:
            day = date.fromisoformat(effective_on) if effective_on else None
        except ValueError:
            raise CommandError("--effective-on is YYYY-MM-DD.") from None
        if user:
            actor = User.objects.filter(username=user).first()
        else:
            grant = (
                RoleGrant.objects.filter(unit=city_bureau(), role=Role.DISPATCHER)
                .order_by("granted_at", "id")
                .first()
            )
            actor = grant.user if grant else None
        if actor is None:
            raise CommandError("Nobody to import as: give --user.")
        try:
            with open(file, "rb") as source:
                report = import_workbook(source, actor=actor, effective_on=day)
            if publish and report.version is not None:
                publish_version(actor=actor, version=report.version)
        except OSError as error:
            raise CommandError(str(error)) from None
        except WorkflowError as error:
            raise CommandError(error.message) from None
        where = f" into version {report.version.number}" if report.version else ""
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(report.imported)} entries{where} as {actor}.")
        )
        if report.rejected:
            self.stdout.write(f"Rejected {len(report.rejected)} rows:")
            for rejected in report.rejected:
                self.stdout.write(f"  row {rejected.row}: {rejected.reason}")
