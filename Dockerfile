# digestbot: `docker build -t digestbot .` then
# `docker run -e TELEGRAM_BOT_TOKEN=... -v digestbot-data:/data digestbot`
# Cluster mode on PostgreSQL: docker-compose.yml runs this image as migrate, web and worker.
FROM python:3.11-slim

ARG TORCH_SPEC=torch==2.13.0
# CPU-only torch; the default index would bring a multi-GB CUDA build.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    DIGESTBOT_DATA_DIR=/data

RUN useradd --create-home --uid 10001 digestbot \
    && mkdir /data && chown digestbot /data

WORKDIR /app
# The version is pinned through TORCH_SPEC, which hadolint cannot see.
# hadolint ignore=DL3013
RUN pip install --no-cache-dir --index-url "${TORCH_INDEX_URL}" "${TORCH_SPEC}"
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY summarizer ./summarizer
COPY config ./config
# The postgres extra (psycopg), so `database_url` may name a PostgreSQL server.
RUN pip install --no-cache-dir "./[postgres]"

USER 10001
VOLUME ["/data"]
CMD ["digestbot", "run"]
