#!/usr/bin/env bash
# Debian packages the test suite needs: a real browser for Playwright, gettext for the
# translation check, a CJK font so Chinese pages and printed PDFs render, Pango for WeasyPrint's
# PDFs, dovecot as the real IMAP server of the service mailbox tests (started by the tests with
# their own config; the system service is not needed), npm to fetch the accessibility checker
# (axe-core).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
# grep reads the whole list (no -q): with pipefail, an early exit would fail the pipe.
fc-list 2>/dev/null | grep -i "noto.*cjk" >/dev/null || missing+=(fonts-noto-cjk)
# WeasyPrint (printed quotes, orders, contracts) lays text out with Pango.
ldconfig -p 2>/dev/null | grep "libpangoft2-1.0" >/dev/null || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "Please install: ${missing[*]} (no apt-get on this machine)" >&2
    exit 1
fi
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
# The installer's own output goes to a log, shown only if it fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "Installing Debian packages: ${missing[*]} (a few minutes)..."
if ! { "${sudo_cmd[@]}" apt-get update -qq &&
       DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
           --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "Installing the Debian packages failed (output above)." >&2
    exit 1
fi
echo "Debian packages installed."
