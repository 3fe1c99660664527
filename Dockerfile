# Partnership Monitor dashboard.
#   docker build -t partnership-monitor .
#   docker run -p 8501:8501 -v monitor-data:/data \
#     -e MONITOR_EVALUATOR_PASSWORD_HASH='scrypt$...' partnership-monitor
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MONITOR_DB=/data/monitor.duckdb

# An unprivileged user owns the app and the data folder.
RUN groupadd --system monitor && useradd --system --gid monitor --create-home monitor \
    && mkdir -p /app /data && chown monitor:monitor /app /data

WORKDIR /app
COPY --chown=monitor:monitor pyproject.toml requirements.txt README.md ./
COPY --chown=monitor:monitor src ./src
RUN pip install -r requirements.txt
COPY --chown=monitor:monitor . .
# PYTHONDONTWRITEBYTECODE keeps Python from caching what it compiles, so without this
# every command run in the container would compile the package again (about 0.2 s).
RUN python -m compileall -q src/monitor

USER monitor
VOLUME ["/data"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"

CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0", "--server.headless=true"]
