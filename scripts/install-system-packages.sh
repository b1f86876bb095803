#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: Chromium (the
# browser tests), bubblewrap (the grading sandbox) and PostgreSQL (the tests
# of a gradebook on a PostgreSQL server, which they start themselves). Does
# nothing when all are present already.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
# Debian keeps the server's programs off PATH, in /usr/lib/postgresql/<major>/bin.
if ! command -v initdb >/dev/null 2>&1 && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    missing+=(postgresql)
fi
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "install-system-packages: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi
echo "install-system-packages: installing ${missing[*]} from Debian"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
