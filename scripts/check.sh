#!/usr/bin/env bash
# The whole test suite: lint, types, Django checks, API schema, translations, then pytest on SQLite
# and, when GUANXI_TEST_DATABASE_URL is set, on PostgreSQL. Browser tests run in both.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=guanxi.settings
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export GUANXI_DATA_DIR="$scratch"

step() { printf '\n=== %s\n' "$*"; }

step "ruff"
ruff check src tests bench scripts
ruff format --check src tests bench scripts

step "mypy"
# This checkout's own src first, so a second git worktree is checked against its own models.
PYTHONPATH="$PWD/src" mypy

step "migrations are up to date"
python -m django makemigrations --check --dry-run

step "production settings pass the deploy check"
GUANXI_DEBUG=0 GUANXI_SECRET_KEY="ci-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    guanxi manage check --deploy --fail-level WARNING

step "OpenAPI schema is valid"
python -m django spectacular --validate --fail-on-warn --file "$scratch/schema.yaml"

step "zh_Hans translations are complete"
python scripts/translations.py check

workers=${GUANXI_TEST_WORKERS:-2}
# The API fuzz test (thousands of generated requests) and the screenshot checks of the key
# pages run once: on PostgreSQL when that run follows, else on SQLite.
sqlite_only=()
if [ -n "${GUANXI_TEST_DATABASE_URL:-}" ]; then
    sqlite_only=(-m "not fuzz and not screens")
fi
step "pytest on SQLite"
env -u GUANXI_TEST_DATABASE_URL pytest -q -n "$workers" "${sqlite_only[@]}" "$@"

if [ -n "${GUANXI_TEST_DATABASE_URL:-}" ]; then
    step "pytest on ${GUANXI_TEST_DATABASE_URL}"
    pytest -q -n "$workers" "$@"
fi
