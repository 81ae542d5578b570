#!/usr/bin/env bash
# Make the real parts the tests use available on this machine: Debian's chromium (headless browser tests),
# poppler-utils (PDF pages to PNG), firmware tools (squashfs-tools, 7z, mkimage, busybox), and a PostgreSQL server. Writes the test database URL to .cache/postgres-url.
# Needs root and apt-get (a fresh project machine, or CI). Elsewhere it says what is missing, and the tests that
# need those parts are skipped - except under CI=true, where they fail instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
rm -f .cache/postgres-url
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "setup-test-services: not root or no apt-get; PostgreSQL and browser tests will be skipped" >&2
  exit 0
fi
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
# Firmware extraction (unblob's external tools) and the firmware images the tests build.
command -v unsquashfs >/dev/null || missing+=(squashfs-tools)
command -v 7z >/dev/null || missing+=(p7zip-full)
command -v mkimage >/dev/null || missing+=(u-boot-tools)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v lz4 >/dev/null || missing+=(lz4)
command -v zstd >/dev/null || missing+=(zstd)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
url=$(bash scripts/start-test-postgres.sh | tail -n 1)
echo "$url" > .cache/postgres-url
echo "setup-test-services: chromium, poppler-utils, firmware tools and PostgreSQL ready" >&2
