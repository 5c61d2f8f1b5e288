#!/usr/bin/env bash
# Makes a machine with no container registry able to run the suite:
#   1. installs docker.io when no engine is there and starts dockerd when none answers,
#   2. builds a Debian bookworm base image with debootstrap (redis-server, postgresql-15),
#   3. builds local Redis and PostgreSQL images with the same interface as the official ones,
#   4. given NODE_BINARY and NPM_DIR (scripts/provision.sh passes its pinned ones): a local Node.js
#      base image in place of node:24-bookworm-slim, and the reference system's three images
#      (Dockerfile) from it, so the suite's own build of them finds every layer cached.
# Idempotent: a second run only checks and takes seconds. Run as root on Debian/Ubuntu.
#
# stdout carries only `export NAME=value` lines, so callers can do
#   eval "$(bash scripts/offline-images.sh)"
# and everything else goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tag="${OFFLINE_IMAGE_TAG:-bookworm-1}"
base_image="ticket-rush/bookworm-base:${tag}"
redis_image="ticket-rush/redis:${tag}"
postgres_image="ticket-rush/postgres:${tag}"
node_base_image="ticket-rush/node:${NODE_VERSION:-24}-${tag}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
dockerd_log="${DOCKERD_LOG:-/var/log/dockerd.log}"

log() { printf '[offline-images] %s\n' "$*" >&2; }

engine_answers() { timeout 5 docker info >/dev/null 2>&1; }

ensure_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# A daemon killed at the end of an earlier session leaves pid files behind that make the
# next dockerd (and its containerd) refuse to start.
clear_stale_pid() {
  local file="$1"
  [ -f "$file" ] || return 0
  local pid; pid="$(cat "$file" 2>/dev/null || true)"
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    log "removing stale $file"
    rm -f "$file"
  fi
}

start_engine() {
  engine_answers && { log "docker engine answers"; return; }
  if [ "$(id -u)" != 0 ]; then
    log "no docker engine answers and this is not root: start dockerd yourself"; exit 1
  fi
  ensure_packages
  clear_stale_pid /var/run/docker.pid
  clear_stale_pid /var/run/docker/containerd/containerd.pid
  log "starting dockerd (overlay2, no userland proxy), log in $dockerd_log"
  # The userland proxy halves throughput on mapped ports; kernel NAT keeps 127.0.0.1 working.
  nohup dockerd --storage-driver=overlay2 --userland-proxy=false >"$dockerd_log" 2>&1 &
  for _ in $(seq 1 60); do
    engine_answers && { log "docker engine is up"; return; }
    sleep 0.5
  done
  log "dockerd did not answer within 30 s; last lines of $dockerd_log:"
  tail -n 20 "$dockerd_log" >&2 || true
  exit 1
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

build_base() {
  image_exists "$base_image" && { log "$base_image present"; return; }
  ensure_packages
  local rootfs; rootfs="$(mktemp -d /tmp/bookworm-rootfs.XXXXXX)"
  trap 'rm -rf "$rootfs"; trap - RETURN' RETURN
  log "debootstrap bookworm into $rootfs (about a minute)"
  if ! debootstrap --variant=minbase --include=redis-server,postgresql-15 bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1; then
    tail -n 30 "$rootfs.log" >&2; exit 1
  fi
  rm -f "$rootfs.log"
  # Keep the image small and free of host-specific state.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  # The package's own cluster would only collide with the one the entrypoint creates.
  rm -rf "$rootfs"/var/lib/postgresql/15/main "$rootfs"/etc/postgresql/15/main
  tar -C "$rootfs" -c . | docker import - "$base_image" >&2
  log "imported $base_image"
}

build_image() {
  local image="$1" dir="$2"
  log "building $image"
  DOCKER_BUILDKIT=0 docker build -q --force-rm --build-arg "BASE=$base_image" -t "$image" "$dir" >&2
}

# The pinned node binary and npm next to the Dockerfile: the build context is a scratch copy.
build_node_base() {
  image_exists "$node_base_image" && { log "$node_base_image present"; return; }
  local context; context="$(mktemp -d /tmp/node-base.XXXXXX)"
  trap 'rm -rf "$context"; trap - RETURN' RETURN
  cp "$here/offline-images/node/Dockerfile" "$context/"
  cp "$NODE_BINARY" "$context/node"
  cp -r "$NPM_DIR" "$context/npm"
  # The host's trust store (an empty one where there is none): see the Dockerfile.
  cp "${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}" "$context/ca-certificates.crt" 2>/dev/null || : >"$context/ca-certificates.crt"
  build_image "$node_base_image" "$context"
}

# Warms the layer cache the suite builds with (environment/service-images.ts); a failed
# step's container is removed too (--force-rm), so nothing is left behind.
build_service_images() {
  local target
  for target in payment-gateway core queue; do
    log "building ticket-rush/$target:local (target $target of Dockerfile)"
    DOCKER_BUILDKIT=0 docker build -q --force-rm --target "$target" --build-arg "BASE_IMAGE=$node_base_image" \
      -t "ticket-rush/$target:local" "$here/.." >&2
  done
}

start_engine
build_base
build_image "$redis_image" "$here/offline-images/redis"
build_image "$postgres_image" "$here/offline-images/postgres"
node_env=""
if [ -n "${NODE_BINARY:-}" ] && [ -n "${NPM_DIR:-}" ]; then
  build_node_base
  build_service_images
  node_env="export E2E_BASE_IMAGE=$node_base_image"
fi

log "done; use these settings (also printed on stdout):"
cat <<ENV
export E2E_REDIS_IMAGE=$redis_image
export E2E_POSTGRES_IMAGE=$postgres_image
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
export E2E_NETFAULT_BASE_IMAGE=$base_image
ENV
[ -z "$node_env" ] || printf '%s\n' "$node_env"
