from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hotline.cases.demo import load_categories, load_demo_cases
from hotline.catalogue.demo import load_demo_catalogue
from hotline.knowledge.demo import load_demo_articles, load_demo_direct_answers
from hotline.organisation.demo import DEMO_PASSWORD, LOGINS, demo_is_loaded, load_fuzhou_demo


class Command(BaseCommand):
    help = "Load the Fuzhou demo organisation, categories and logins into an empty database."

    def handle(self, *args, **options):
        # The demo's administrator has a password printed below and in the
        # README: never on a server the public can reach.
        if settings.HOTLINE_ENV != "development":
            raise CommandError(
                "load_demo creates logins with a published password; it runs only with "
                "HOTLINE_ENV=development."
            )
        if demo_is_loaded():
            self.stdout.write("The demo data is already loaded.")
        else:
            with transaction.atomic():
                load_fuzhou_demo()
                load_categories()
                cases = load_demo_cases()
                articles = load_demo_articles()
                answered = load_demo_direct_answers(articles)
                # After the cases: they were dispatched before the catalogue.
                load_demo_catalogue()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the Fuzhou demo organisation, categories, {len(cases)} cases "
                    f"({len(answered)} answered directly), {len(articles)} knowledge base "
                    "articles and the dispatch catalogue."
                )
            )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in LOGINS:
            roles = ", ".join(f"{unit} {role.label}" for unit, role in login.grants)
            self.stdout.write(f"  {login.username:<18} {login.name:<6} {roles}")
