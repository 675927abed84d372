from django.core.management.base import BaseCommand, CommandError

from hotline.cases.actions import city_bureau
from hotline.cases.errors import WorkflowError
from hotline.knowledge.importing import import_workbook
from hotline.organisation.models import Role, RoleGrant, Unit, User


def _first(unit: Unit, role: str) -> User | None:
    grant = RoleGrant.objects.filter(unit=unit, role=role).order_by("granted_at", "id").first()
    return grant.user if grant else None


class Command(BaseCommand):
    help = (
        "Import knowledge base articles from a spreadsheet (N2): one row per article under "
        "the headings 标题, 问题, 答复, 关键词, 类别, 责任单位, 生效日期, 复核日期. Rows become "
        "drafts with their unit's handler, or with --publish are published by the city bureau."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="an .xlsx file")
        parser.add_argument("--unit", help="the responsible unit of rows that name none")
        parser.add_argument(
            "--user",
            help="who imports (a username); by default the unit's first handler, or the city "
            "bureau's first reviewer with --publish or without --unit",
        )
        parser.add_argument(
            "--publish", action="store_true", help="publish the rows at once (city bureau)"
        )

    def handle(self, *args, file, unit, user, publish, **options):
        default_unit = None
        if unit:
            default_unit = Unit.objects.filter(name=unit).first()
            if default_unit is None:
                raise CommandError(f"No unit is called {unit}.")
        if user:
            actor = User.objects.filter(username=user).first()
        elif publish or default_unit is None:
            actor = _first(city_bureau(), Role.REVIEWER)
        else:
            actor = _first(default_unit, Role.HANDLER)
        if actor is None:
            raise CommandError("Nobody to import as: give --user.")
        try:
            with open(file, "rb") as source:
                report = import_workbook(source, actor=actor, unit=default_unit, publish=publish)
        except OSError as error:
            raise CommandError(str(error)) from None
        except WorkflowError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(report.imported)} articles as {actor}.")
        )
        if report.rejected:
            self.stdout.write(f"Rejected {len(report.rejected)} rows:")
            for rejected in report.rejected:
                self.stdout.write(f"  row {rejected.row}: {rejected.reason}")
