from django.core.management.base import BaseCommand

from organizations import demo


class Command(BaseCommand):
    help = "Build the demo organizations, people and logins (safe to run again; --reset rebuilds them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo organizations and users first, then rebuild."
        )

    def handle(self, *args, reset=False, **options):
        context = demo.seed_demo(reset=reset)
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
