#!/usr/bin/env bash
# One-command set-up on a fresh Debian machine with Python 3.11:
# system packages the tests need, a .venv with pinned dependencies (spaCy's
# English model included), the gazetteer index, then geomap run on the
# bundled example article. Safe to run again: finished steps are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

EXAMPLE=${EXAMPLE:-examples/red-sea-shipping.txt}

python=""
for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        python=$candidate
        break
    fi
done
if [ -z "$python" ]; then
    echo "setup: Python 3.11 is needed (python3.11 or python3)" >&2
    exit 1
fi

# Headless Chromium (map tests; Playwright drives this one, it never downloads a browser),
# GDAL (export tests), and PostgreSQL with PostGIS (the shared store, `--db postgresql://…`;
# its tests start a throwaway server), from Debian.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v ogrinfo >/dev/null 2>&1 || missing+=(gdal-bin)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || missing+=(postgresql-15-postgis-3 postgis)
[ -f /usr/share/javascript/chart.js/chart.min.js ] || missing+=(libjs-chart.js)  # the web app's chart
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$python" -m venv .venv
fi
echo "setup: installing pinned Python packages"
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
    -c requirements.lock -e ".[test]"

.venv/bin/geomap gazetteer build

mkdir -p maps
name=$(basename "${EXAMPLE%.*}")
.venv/bin/geomap map "$EXAMPLE" -o "maps/$name.html"
.venv/bin/geomap export "$EXAMPLE" --format geojson -o "maps/$name.geojson"
echo "map:     $(pwd)/maps/$name.html"
echo "geojson: $(pwd)/maps/$name.geojson"
