#!/usr/bin/env bash
# Create the virtual environment and install Guanxi with its development tools (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "Creating the virtual environment in .venv ..."
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.guanxi-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    # The installer's own output goes to a log, shown only if it fails.
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    echo "Installing Guanxi and its development tools into .venv (a minute or two)..."
    if ! { .venv/bin/python -m pip install --quiet --upgrade pip &&
           .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"; } \
           >"$log" 2>&1; then
        cat "$log" >&2
        echo "Installing the Python packages failed (output above)." >&2
        exit 1
    fi
    touch "$stamp"
    echo "Python packages installed."
fi
