#!/usr/bin/env bash
# House-style checks the compiler does not make; scripts/test.sh runs it after the dotnet tests, each check counting
# as one test.
#
#   ./scripts/style-check.sh     last line `N passed, N failed`
#
# Line length: .editorconfig sets max_line_length = 120 (editors draw the guide and wrap to it). Lines written before
# the limit are wrapped as their files are touched; the check holds the count of C# lines over 120 characters at or
# below the ceiling below, so no change adds one. Lower the ceiling when a change wraps some.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
long_line_ceiling=1980

log() { printf '[style] %s\n' "$*"; }
# shellcheck source=lib/checks.sh
source "$root/scripts/lib/checks.sh"

long_lines() { git ls-files -z '*.cs' | xargs -0 awk 'length($0) > 120 { n++ } END { print n + 0 }'; }
within_ceiling() {
  local count
  count=$(long_lines)
  log "C# lines over 120 characters: $count (ceiling $long_line_ceiling)"
  ((count <= long_line_ceiling))
}

check "no change adds a C# line over 120 characters (.editorconfig max_line_length)" within_ceiling
echo "$passed passed, $failed failed"
