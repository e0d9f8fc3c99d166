#!/usr/bin/env bash
# Checks the web client (api/BeatOrleans.Api/wwwroot); scripts/test.sh runs it after the dotnet tests, each check
# counting as one test. The browser tests themselves are tests/BeatOrleans.Web.Tests (part of `dotnet test`).
#
#   ./scripts/web-check.sh     last line `N passed, N failed`
#
# Checks: the JavaScript modules type-check (`tsc --checkJs`, strict, api/BeatOrleans.Api/WebClient/tsconfig.json)
# against the TypeScript types generated from docs/openapi.json (clients/typescript/beatorleans-api.d.ts, which
# scripts/lint-openapi.sh keeps equal to the document); and no file of the client names a resource on another site.
# npm typescript is installed into .tools/ (git-ignored), as scripts/lint-openapi.sh does.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${BEATORLEANS_TOOLS_DIR:-$root/.tools}
typescript=typescript@5.9.3
web=api/BeatOrleans.Api/wwwroot
cd "$root" || exit 1

log() { printf '[web] %s\n' "$*"; }

install_tools() {
  grep -q "\"version\": \"${typescript##*@}\"" "$tools/node_modules/typescript/package.json" 2>/dev/null && return 0
  log "installing npm $typescript into ${tools#"$root"/}"
  mkdir -p "$tools"
  [[ -f $tools/package.json ]] || printf '{ "private": true }\n' >"$tools/package.json"
  (cd "$tools" && npm install --no-audit --no-fund --no-update-notifier --loglevel=error "$typescript")
}

# shellcheck source=lib/checks.sh
source "$root/scripts/lib/checks.sh"

typecheck() { "$tools/node_modules/.bin/tsc" -p api/BeatOrleans.Api/WebClient/tsconfig.json; }

# Every script, style, image and connection comes from the API's own origin (the CSP says so too): an absolute URL in a
# file of the client (other than an XML namespace) would be a resource from elsewhere.
local_only() {
  local found
  found=$(grep -rnoE "(https?|wss?):(//)[^\"' )]+" "$web" | grep -v "www.w3.org/2000/svg") || true
  [[ -z $found ]] || { log "absolute URLs in the web client:"; printf '%s\n' "$found" >&2; return 1; }
}

install_tools || { log "npm install failed"; echo "0 passed, 1 failed"; exit 1; }
check "tsc --checkJs: the web client's modules type-check against the types generated from docs/openapi.json" typecheck
check "the web client loads nothing from another site (no absolute URL in $web)" local_only

echo "$passed passed, $failed failed"
((failed == 0))
