# mockserver in a container: docker build -t mockserver . && docker run --rm -p 8080:8080 mockserver
#
# Every `mockserver serve` flag has an environment variable MOCKSERVER_<FLAG>, e.g.
#   docker run -p 8080:8080 -e MOCKSERVER_CLOCK=virtual -e MOCKSERVER_SEED=42 mockserver
#   docker run -p 8080:8080 -v "$PWD/my-scenarios:/scenarios:ro" -e MOCKSERVER_SCENARIOS=/scenarios mockserver
# The ENV below only moves the host to 0.0.0.0; the rest restate the CLI defaults so they are easy to find.
# The others: MOCKSERVER_SPEED, _START, _SCENARIOS, _CREDENTIALS, _CALLBACK_TIMEOUT, _JOURNAL_SIZE.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

COPY . /tmp/mockserver
RUN pip install --no-cache-dir /tmp/mockserver \
    && rm -rf /tmp/mockserver \
    && groupadd --system --gid 10001 mockserver \
    && useradd --system --uid 10001 --gid mockserver --no-create-home --shell /usr/sbin/nologin mockserver

ENV MOCKSERVER_HOST=0.0.0.0 \
    MOCKSERVER_PORT=8080 \
    MOCKSERVER_CLOCK=real \
    MOCKSERVER_SEED=0 \
    MOCKSERVER_LOG_LEVEL=info

# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
EXPOSE 8080

# The slim image has no curl. The port follows MOCKSERVER_PORT; a non-2xx answer or no answer exits 1.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_mock/health' % os.environ.get('MOCKSERVER_PORT', '8080'), timeout=2)"]

ENTRYPOINT ["mockserver"]
CMD ["serve"]
