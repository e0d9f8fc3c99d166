# Counted checks for the check scripts (scripts/lint-openapi.sh, scripts/web-check.sh): `check NAME COMMAND...` runs
# the command and logs "ok" or "FAILED" with the caller's `log`; `passed` and `failed` count them for the summary line.
# shellcheck shell=bash
passed=0 failed=0
check() { # NAME COMMAND...
  local name=$1
  shift
  if "$@"; then
    log "ok      $name"
    passed=$((passed + 1))
  else
    log "FAILED  $name"
    failed=$((failed + 1))
  fi
}
