#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing. Usage: sysdeps.sh run|test|bench
#   run:   CJK fonts and Pango (WeasyPrint's PDFs), gettext (compiling translations)
#   test:  the same plus Chromium (browser tests) and Node.js/npm (axe-core for accessibility checks)
#   bench: the same as test plus wrk (the HTTP load generator of tests/perf/bench_http.py)
set -euo pipefail
profile=${1:-run}
packages=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 gettext)
if [ "$profile" = "test" ] || [ "$profile" = "bench" ]; then
  packages+=(chromium poppler-utils)
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi
[ "$profile" = "bench" ] && packages+=(wrk)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
