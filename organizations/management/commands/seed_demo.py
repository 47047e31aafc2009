from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from organizations import demo


class Command(BaseCommand):
    help = "Build the demo organizations, people and logins (safe to run again; --reset rebuilds them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo organizations and users first, then rebuild."
        )
        parser.add_argument("--force", action="store_true", help="Run even in production mode (DJANGO_ENV=production).")

    def handle(self, *args, reset=False, force=False, **options):
        if settings.PRODUCTION and not force:
            # The demo creates a superuser and users whose passwords it prints: on a real
            # deployment that is an open door, so it takes an explicit --force.
            raise CommandError(
                "Refusing to seed demo data in production: it creates a superuser and logins with "
                "published passwords. Run it against a development database, or add --force if "
                "this deployment really is a throwaway demo."
            )
        # Demo people are invented: the applications and decisions the seed makes must not
        # print hundreds of emails to the console, so mail goes to memory while seeding.
        backend = settings.EMAIL_BACKEND
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        try:
            context = demo.seed_demo(reset=reset)
        finally:
            settings.EMAIL_BACKEND = backend
        for organization in context.organizations.values():
            counts = demo.headcount(organization)
            self.stdout.write(
                f"{organization.name} (/o/{organization.slug}/): {counts['people']} people, {counts['left']} have left"
            )
        rows = [("Who", "Email", "Password", "Organizations"), *demo.credentials()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
        lines.insert(1, "  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo ready at {demo.DEMO_URL} — sign in with:"))
        self.stdout.write("\n".join(line.rstrip() for line in lines))
