# syntax=docker/dockerfile:1
#
# One image for every process of the shop: the web server (default command), Celery workers,
# the one beat, and one-off management commands (migrate, events relay, ...). See README.md.
#
#   docker build -t shop .
#   docker run --env-file prod.env -p 8000:8000 shop

# --- build: a virtualenv holding the locked dependencies ---------------------------------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --no-compile -r /tmp/requirements.lock

# --- runtime ------------------------------------------------------------------------------------
FROM python:3.11-slim AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app:/app/src \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    PORT=8000 \
    GUNICORN_WORKERS=2 \
    GUNICORN_THREADS=4 \
    GUNICORN_TIMEOUT=30

RUN groupadd --system --gid 10001 shop \
    && useradd --system --uid 10001 --gid shop --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin shop

WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# The code stays owned by root: the shop user can read it, not change it.
COPY manage.py pyproject.toml ./
COPY config ./config
COPY contexts ./contexts
COPY src ./src

# Static files (admin, Swagger UI and ReDoc assets) are collected into var/static at build time.
# The key only satisfies the settings' check for this step; it signs nothing.
RUN SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput -v 0 \
    && chown -R shop:shop /app/var

USER 10001:10001
EXPOSE 8000

# Liveness only (touches no dependency). The Host header must be one of ALLOWED_HOSTS, or
# Django answers 400; the first entry is used.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.').replace('*', '') or 'localhost'; u.urlopen(u.Request('http://127.0.0.1:%s/health/' % os.environ.get('PORT', '8000'), headers={'Host': h}), timeout=4)"]

CMD ["sh", "-c", "exec gunicorn config.wsgi --bind 0.0.0.0:${PORT} --workers ${GUNICORN_WORKERS} --threads ${GUNICORN_THREADS} --timeout ${GUNICORN_TIMEOUT} --access-logfile - --error-logfile -"]
