# Tandem production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, in a layer of their own: code changes do not reinstall them.
# (pyproject.toml declares no packages: `pip install .` installs the dependencies and the
# code runs from /app.)
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Static files are collected into the image too, so the worker and beat (which render email
# templates) find the manifest that production's static storage needs. The key is a
# throwaway: collectstatic signs nothing.
RUN DJANGO_ENV=production SECRET_KEY=collectstatic-only-not-a-secret ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --create-home --uid 10001 tandem \
    && mkdir -p var/media \
    && chown -R tandem:tandem var

USER tandem

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["python", "-m", "mentoring.health"]
CMD ["gunicorn", "mentoring.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
