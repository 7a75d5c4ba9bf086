# syntax=docker/dockerfile:1
# Centinela in a container. `docker compose up -d` runs it with the local Bot API server (docker-compose.yml);
# the README's "Install with Docker compose" goes step by step.

# Stage 1: the production dependencies. npm and its cache stay in this stage.
FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Without the devDependencies (the `node` package, TypeScript, vitest...): the image's own Node 22 runs the service.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 2: what runs.
FROM node:22-slim
# ffprobe and ffmpeg for the video check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
# The local Bot API server (aiogram/telegram-bot-api) writes the files it downloads as uid 101, gid 101. Centinela
# runs as the same ids so that it reads them (and deletes its copies) whatever modes the server gives them. When
# your server runs as another user, set TELEGRAM_FILES_UID and TELEGRAM_FILES_GID in .env (compose passes them here).
ARG CENTINELA_UID=101
ARG CENTINELA_GID=101
RUN groupadd --system --non-unique --gid "${CENTINELA_GID}" centinela \
 && useradd --system --non-unique --uid "${CENTINELA_UID}" --gid "${CENTINELA_GID}" \
      --home-dir /app/data --no-create-home --shell /usr/sbin/nologin centinela
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY config ./config
# paths.data, paths.logs and paths.media (./data, ./logs, ./media from /app) exist in the image, owned by the
# service's user: a new named volume mounted on one starts with that owner.
RUN mkdir -p data logs media \
 && chown centinela:centinela data logs media \
 && chmod 0700 data logs media
USER centinela
ENV MALLOC_ARENA_MAX=2
EXPOSE 8787
# /healthz with Node's own fetch (the slim image has no curl): 200 is healthy; 503 or no answer is not.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.CENTINELA_HTTP_PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node itself, not npm, is the container's process: `docker stop` sends it SIGTERM, and Centinela's own handlers
# (a container's PID 1 has no default ones) stop it cleanly within shutdown.timeout_seconds.
STOPSIGNAL SIGTERM
CMD ["node", "--v8-pool-size=1", "bin/centinela.js", "start"]
