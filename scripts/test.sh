#!/usr/bin/env bash
# The whole test suite: lint, types, the fast tests, then the slow-marked ones.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check geomap gazetteer tests bench
.venv/bin/mypy  # files and settings: [tool.mypy] in pyproject.toml
.venv/bin/python -m pytest -q -m "slow or not slow" "$@"
