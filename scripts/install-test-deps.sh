#!/usr/bin/env bash
# Installs what the end-to-end tests need beyond npm packages: a Chromium to drive.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
	exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
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
