#!/usr/bin/env bash
# Small runs of every benchmark, so that CI notices when one rots. Usage: bench/smoke.sh DATA_DIR
set -euo pipefail
data=${1:?usage: bench/smoke.sh DATA_DIR (the shared data folder)}
py=${PYTHON:-.venv/bin/python}

# In CI no benchmark starts after SMOKE_UNTIL (seconds since the epoch): the whole run must end
# within 15 minutes, and on a slow machine the tests take most of them. Prints the heading.
due() {
  if [ -n "${SMOKE_UNTIL:-}" ] && [ "$(date +%s)" -ge "$SMOKE_UNTIL" ]; then
    echo "-- $1: skipped, CI's time budget is spent"
    return 1
  fi
  echo "-- $1"
}

if due "bench/qa.py (300 articles, 30 questions; abstention against FA-KES and the seed)"; then
  $py -m bench.qa "$data/news-qa/articles.jsonl" "$data/news-qa/dev-questions.jsonl" \
    --articles 300 --questions 30 \
    --off-topic "$data/syria-fakes/articles.jsonl" "$data/seed/raqqa-2017-07-04.txt"
fi

if due "bench/speed.py (500 articles, 50 queries)"; then
  $py -m bench.speed "$data/news-qa/dev-questions.jsonl" "$data/news-qa/articles.jsonl" \
    "$data/syria-fakes/articles.jsonl" --sizes 500 --queries 50
fi

if [ -z "${NEWSBOT_TEST_POSTGRES_URL:-}" ]; then
  echo "-- bench/scale.py skipped: NEWSBOT_TEST_POSTGRES_URL is not set"
elif due "bench/scale.py --small (3,000 articles, 1 and 2 processes on PostgreSQL)"; then
  $py bench/scale.py "$data" --small --postgres "$NEWSBOT_TEST_POSTGRES_URL"
fi

if due "bench/digest.py --small (2,000 digests through the rate-limited fake Bot API, 1% faults)"; then
  $py -m bench.digest "$data" --small --rate 400 --concurrency 200
fi

if due "bench/fuzz.py (500 hostile inputs through the real Application)"; then
  $py -m bench.fuzz --inputs 500 --seed 7
fi

if due "bench/stories.py (80 FA-KES articles and their copies; import of 2,000 with and without)"; then
  $py -m bench.stories quality "$data/syria-fakes/articles.jsonl" --limit 80 --thresholds 0.6
  $py -m bench.stories speed "$data/syria-fakes/articles.jsonl" --size 2000
fi

if due "bench/feeds.py (3 feeds x 5 items from 127.0.0.1, full pages fetched)"; then
  $py -m bench.feeds "$data" --feeds 3 --items 5 --sample 15
fi

if due "bench/shortcuts.py (the language shortcuts agree with the model on every benchmark article)"; then
  $py -m bench.shortcuts "$data"
fi

if due "bench/import_memory.py (newsbot import of 1,000, the importer's memory and CPU read from /proc)"; then
  $py -m bench.import_memory "$data/syria-fakes/articles.jsonl" --size 1000 --every 60
fi

if due "bench/import_cost.py (an import of 1,000 with and without the index, and raw tantivy)"; then
  $py -m bench.import_cost "$data/syria-fakes/articles.jsonl" --size 1000 --runs full,index
fi

if due "bench/stemmer.py (300 texts indexed with and without the English stemmer)"; then
  $py -m bench.stemmer "$data/syria-fakes/articles.jsonl" --limit 300 --runs 1
fi
