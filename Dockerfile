# Production image: gunicorn serves the portal; the same image runs the Celery worker and beat.
FROM python:3.11-slim AS assets
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=bluezone_portal.settings
WORKDIR /app
RUN useradd --create-home --uid 1000 bluezone
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=bluezone . .
COPY --from=assets --chown=bluezone /app/node_modules ./node_modules
# collectstatic needs a throwaway key only at build time; the running container must bring its own.
RUN SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-000 DEBUG=off ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
    && mkdir -p var && chown -R bluezone var
USER bluezone
EXPOSE 8000
# Processes, threads and timeouts: bluezone_portal/gunicorn_conf.py (behind the proxy of docker-compose.yml).
CMD ["gunicorn", "bluezone_portal.wsgi:application", "-c", "python:bluezone_portal.gunicorn_conf"]
