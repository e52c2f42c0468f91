#!/usr/bin/env bash
# Set up a virtual environment, replay the seeds offline into ./archive, print a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e .
.venv/bin/scrapy crawl seeds -s LOG_LEVEL=WARNING
.venv/bin/scrapy archive-summary
