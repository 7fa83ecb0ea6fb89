#!/usr/bin/env bash
# Small runs of the benchmarks, so that they cannot rot: bash bench/smoke.sh DATA_DIR
set -euo pipefail
DATA_DIR=${1:?usage: bash bench/smoke.sh DATA_DIR}
PYTHON=${PYTHON:-.venv/bin/python}

if [ -n "${NEWSBOT_TEST_POSTGRES_URL:-}" ]; then
  echo "-- bench/scale.py --small"
  "$PYTHON" bench/scale.py "$DATA_DIR" --small --postgres "$NEWSBOT_TEST_POSTGRES_URL"
else
  echo "-- bench/scale.py skipped: NEWSBOT_TEST_POSTGRES_URL is not set"
fi
