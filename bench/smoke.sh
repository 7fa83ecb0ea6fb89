#!/usr/bin/env bash
# Small runs of the benchmarks so that they cannot rot: bash bench/smoke.sh DATA_DIR
set -euo pipefail
DATA_DIR="${1:?usage: bash bench/smoke.sh DATA_DIR}"
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"

echo "== bench.digest --small (2,000 digests through the rate-limited fake Bot API, 1% faults)"
"$PY" -m bench.digest "$DATA_DIR" --small --rate 100 --concurrency 200
