# The reference system's images: one target per service over one shared stage, so the three
# images share every layer and differ only in their entry point, port and health check, and
# each can be replaced on its own by another implementation (E2E_QUEUE_IMAGE, ... in README).
#   docker build --target queue           -t ticket-rush/queue .
#   docker build --target core            -t ticket-rush/core .
#   docker build --target payment-gateway -t ticket-rush/payment-gateway .
# BASE_IMAGE: any Debian-like image with Node.js 24, npm and a `node` user (uid 1000). Where no
# registry answers, scripts/provision.sh builds one (scripts/offline-images/node) and uses it.
# Plain syntax, no BuildKit-only features: the classic builder of Docker 20.10 builds it too.
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: the test runner, Testcontainers and type definitions stay out.
# No install scripts: none of them needs one (all pure JavaScript).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf /root/.npm

FROM ${BASE_IMAGE} AS service
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
# Node strips the TypeScript types itself: the sources run as they are, no build step.
COPY package.json ./
COPY lua ./lua
COPY reference-system ./reference-system
# Files stay root's and read-only to the service.
USER node
# `docker stop` signals PID 1, which is node itself (exec form, no shell): serve.ts drains
# in-flight requests, closes Redis/PostgreSQL and exits 0 within SHUTDOWN_TIMEOUT_MS (5 s).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

FROM service AS payment-gateway
ENV PORT=8090 SERVICE_NAME=payment-gateway
EXPOSE 8090
CMD ["node", "reference-system/payment-gateway/main.ts"]

FROM service AS queue
ENV PORT=8081 SERVICE_NAME=queue
EXPOSE 8081
CMD ["node", "reference-system/queue/main.ts"]

FROM service AS core
ENV PORT=8080 SERVICE_NAME=core
EXPOSE 8080
CMD ["node", "reference-system/core/main.ts"]
