#!/usr/bin/env bash
# `make run`: the web server in the foreground and the task worker beside it; the worker stops with the server.
set -euo pipefail
PY="${PYTHON:-.venv/bin/python}"
ADDR="${1:-127.0.0.1:8000}"

# Jobs whose worker died with the last run go back in the queue before the new worker starts.
"$PY" manage.py recover_jobs
# Files and work folders left by a process killed mid-upload or mid-job, once a day old.
"$PY" manage.py sweep_orphans
"$PY" manage.py db_worker --queue-name '*' --interval 1 --no-reload &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null; wait "$WORKER" 2>/dev/null || true' EXIT INT TERM
"$PY" manage.py runserver "$ADDR"
