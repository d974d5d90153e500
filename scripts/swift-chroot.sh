#!/usr/bin/env bash
# Debian 13 (trixie) chroot with Debian's `swiftlang`, for testing the Swift bindings on Linux
# (Swift is not packaged for Debian 12). Needs root (debootstrap, mount, chroot).
#
#   scripts/swift-chroot.sh ensure                      # create the chroot if missing (idempotent)
#   scripts/swift-chroot.sh run <repo-dir> <shell cmd>  # run cmd in the chroot, repo at /src, cwd /src
#
# The chroot lives outside the repo (~2.7 GB) at ${QORGAU_SWIFT_ROOT:-/var/cache/qorgau/swift-trixie}
# and is reused when $ROOT/usr/bin/swift exists. `run` mounts /proc and bind-mounts the repo at /src,
# runs the command with a clean environment and unmounts both on exit. Runs on the same chroot are
# serialised with a lock file. The script may also be sourced to use swift_chroot_ensure /
# swift_chroot_run directly.
set -euo pipefail

ROOT="${QORGAU_SWIFT_ROOT:-/var/cache/qorgau/swift-trixie}"
SUITE=trixie
LOCK="${ROOT%/}.lock"

log() { echo "swift-chroot: $*" >&2; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    log "must run as root (debootstrap, mount, chroot)"; exit 1
  fi
}

# The Debian mirror this machine's apt already uses (deb822 .sources or one-line sources.list).
host_mirror() {
  local m
  m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
      | grep -vE '^[[:space:]]*#' \
      | grep -oE 'https?://[^ ]+/debian/?([[:space:]]|$)' \
      | tr -d '[:space:]' | head -1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

# Anything still mounted at or under $ROOT (e.g. left by a killed run)?
# /usr/bin/swift in the chroot is an absolute symlink (update-alternatives), so test it from inside.
have_swift() {
  [ -L "$ROOT/usr/bin/swift" ] || [ -e "$ROOT/usr/bin/swift" ] || return 1
  chroot "$ROOT" /usr/bin/test -x /usr/bin/swift
}

mounts_under_root() {
  awk -v r="${ROOT%/}" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts
}

# Mount stack for the current process; unmounted in reverse order by cleanup_mounts (EXIT trap).
MOUNTED=()
cleanup_mounts() {
  local i m
  for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
    m="${MOUNTED[$i]}"
    if mountpoint -q "$m"; then
      umount "$m" 2>/dev/null || umount -l "$m" || log "could not unmount $m"
    fi
  done
  MOUNTED=()
}

mount_proc() {
  mkdir -p "$ROOT/proc"
  mount -t proc proc "$ROOT/proc"
  MOUNTED+=("$ROOT/proc")
}

with_lock() {
  mkdir -p "$(dirname "$LOCK")"
  exec 9>"$LOCK"
  if ! flock -w 1800 9; then log "timed out waiting for $LOCK"; exit 1; fi
}

swift_chroot_ensure() {
  need_root
  with_lock
  trap cleanup_mounts EXIT

  if have_swift; then
    log "reusing $ROOT"
    return 0
  fi

  local leftover
  leftover=$(mounts_under_root)
  if [ -n "$leftover" ]; then
    log "refusing to touch $ROOT: still mounted: $leftover"; exit 1
  fi

  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
  fi

  # A debootstrap that did not finish leaves $ROOT/debootstrap behind: start over.
  if [ -d "$ROOT" ] && { [ -d "$ROOT/debootstrap" ] || [ ! -x "$ROOT/usr/bin/apt-get" ]; }; then
    log "removing incomplete $ROOT"
    rm -rf --one-file-system "$ROOT"
  fi

  if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    local mirror
    mirror=$(host_mirror)
    log "debootstrap --variant=minbase $SUITE $ROOT $mirror"
    mkdir -p "$(dirname "$ROOT")"
    debootstrap --variant=minbase "$SUITE" "$ROOT" "$mirror" >"${ROOT%/}.debootstrap.log" 2>&1 \
      || { log "debootstrap failed; see ${ROOT%/}.debootstrap.log"; tail -20 "${ROOT%/}.debootstrap.log" >&2; exit 1; }
  fi

  # Keep Recommends: they bring libc6-dev etc., which linking Swift code needs.
  log "installing swiftlang in the chroot"
  mount_proc
  cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive sh -c \
    'apt-get update -qq && apt-get install -y -qq swiftlang >/tmp/swiftlang-install.log 2>&1 \
       || { tail -30 /tmp/swiftlang-install.log; exit 1; }; apt-get clean; rm -rf /var/lib/apt/lists/*'
  cleanup_mounts

  if ! have_swift; then
    log "swiftlang installed but $ROOT/usr/bin/swift is missing"; exit 1
  fi
  log "ready: $ROOT"
}

# swift_chroot_run <repo-dir> <shell command>: runs `sh -c <cmd>` in /src (the repo) inside the chroot.
swift_chroot_run() {
  need_root
  if [ $# -lt 2 ]; then log "usage: $0 run <repo-dir> <shell command>"; exit 2; fi
  local repo cmd
  repo=$(cd "$1" && pwd -P)
  shift
  cmd="$*"
  if ! have_swift; then
    log "no Swift chroot at $ROOT: run '$0 ensure' first"; exit 1
  fi
  with_lock
  trap cleanup_mounts EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  local leftover
  leftover=$(mounts_under_root)
  if [ -n "$leftover" ]; then
    log "cleaning mounts left under $ROOT: $leftover"
    while read -r m; do [ -n "$m" ] && { umount "$m" 2>/dev/null || umount -l "$m"; }; done \
      < <(echo "$leftover" | sort -r)
  fi

  mount_proc
  mkdir -p "$ROOT/src"
  mount --bind "$repo" "$ROOT/src"
  MOUNTED+=("$ROOT/src")

  local rc=0
  chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/bin:/bin LANG=C.UTF-8 \
    sh -c 'cd /src && exec sh -c "$1"' sh "$cmd" || rc=$?
  cleanup_mounts
  return "$rc"
}

main() {
  local sub="${1:-}"
  shift || true
  case "$sub" in
    ensure) swift_chroot_ensure "$@" ;;
    run) swift_chroot_run "$@" ;;
    root) echo "$ROOT" ;;
    *) echo "usage: $0 ensure | run <repo-dir> <shell command> | root" >&2; exit 2 ;;
  esac
}

# Run main only when executed, not when sourced.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
