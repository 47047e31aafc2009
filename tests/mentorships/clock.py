"""For tests of code that reads the real clock (the hourly task, a real worker): a time zone
whose wall clock shows 09:xx right now, inside every reminder's 08:00–10:59 window."""

from datetime import timedelta

from django.utils import timezone


def zone_at_nine():
    """(zone name, today's date there). Etc/GMT-N is UTC+N and Etc/GMT+N is UTC-N (POSIX signs)."""
    now = timezone.now()
    ahead = (9 - now.hour) % 24
    if ahead > 14:  # the zones run from UTC-12 to UTC+14
        ahead -= 24
    name = "UTC" if ahead == 0 else f"Etc/GMT-{ahead}" if ahead > 0 else f"Etc/GMT+{-ahead}"
    return name, (now + timedelta(hours=ahead)).date()
