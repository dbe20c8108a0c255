#!/usr/bin/env bash
# The accessibility checker the browser tests inject into each page: axe-core from the npm
# registry, pinned, into .venv/node (outside the source tree; no Node build step involved).
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION=4.14.1
target=.venv/node
installed="$target/node_modules/axe-core/package.json"
if [ -f "$installed" ] && grep -q "\"version\": \"$AXE_VERSION\"" "$installed"; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "npm is missing: install Debian's npm (the browser tests need axe-core from npm)" >&2
    exit 1
fi
echo "Installing axe-core $AXE_VERSION for the accessibility checks..."
mkdir -p "$target"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! npm install --prefix "$target" --no-audit --no-fund --no-save --loglevel=error \
        "axe-core@$AXE_VERSION" >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi
