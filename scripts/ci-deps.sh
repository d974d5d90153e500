#!/usr/bin/env bash
# Idempotently install the Debian packages CI needs (non-Rust tools).
# Only packages that are missing are installed; apt-get update runs only then.
set -euo pipefail

PKGS=(openssl coreutils libvips-tools zbar-tools poppler-utils sqlite3 debootstrap libtiff-tools binutils)

missing=()
for p in "${PKGS[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "ci-deps: all present (${PKGS[*]})"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "ci-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "ci-deps: done"
