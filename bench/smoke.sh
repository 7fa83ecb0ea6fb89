#!/usr/bin/env bash
# Small runs of the benchmarks, for CI: bash bench/smoke.sh DATA_DIR
set -euo pipefail
DATA_DIR="${1:?usage: bash bench/smoke.sh DATA_DIR}"
PYTHON="${PYTHON:-python}"
export DATA_DIR

# Reliability: hostile input through the real Application (needs no data files).
"$PYTHON" -m bench.fuzz --inputs 500 --seed 7
