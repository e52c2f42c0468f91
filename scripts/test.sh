#!/usr/bin/env bash
# Set up a test virtual environment (and Debian's Chromium for the JS-rendering test), lint, run the suite.
# Quick run while editing: .venv-test/bin/python -m pytest -m "not slow" (under a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
        || echo "warning: could not install chromium; the JS-rendering test will fail" >&2
fi
python3 -m venv .venv-test
.venv-test/bin/pip install -q --disable-pip-version-check -e ".[test]"
.venv-test/bin/ruff check .
exec .venv-test/bin/python -m pytest "$@"
