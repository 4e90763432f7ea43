#!/usr/bin/env bash
# Tags a release: vX.Y.Z (the version in package.json) on HEAD, and moves the major tag vX to it,
# so `uses: some-cabal2nix/some-cabal2nix@vX` follows the latest X.y.z. Run by
# .github/workflows/release.yml once the dist check has passed; pushes the tags to $REMOTE
# (default: origin). A version that is already tagged is left alone: bump package.json (and
# CHANGELOG.md) to release again. Prints `tag=…` and `released=true|false` to $GITHUB_OUTPUT.
set -euo pipefail
cd "$(dirname "$0")/.."
remote=${REMOTE:-origin}
out=${GITHUB_OUTPUT:-/dev/null}

version=$(node -p "require('./package.json').version")
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "release: the version in package.json ('$version') is not X.Y.Z" >&2
  exit 1
fi
tag=v$version
major=v${version%%.*}
if ! grep -qE "^## ${version//./\\.}( |$)" CHANGELOG.md; then
  echo "release: CHANGELOG.md has no '## $version' section; write one before releasing $tag" >&2
  exit 1
fi
if [ "$(node -p "require('./package.json').version === require('fs').readFileSync('src/common/version.ts', 'utf8').match(/TOOL_VERSION = '([^']+)'/)[1]")" != true ]; then
  echo "release: src/common/version.ts does not say $version" >&2
  exit 1
fi

git fetch --quiet --force "$remote" "refs/tags/*:refs/tags/*"
echo "tag=$tag" >>"$out"
if git rev-parse --quiet --verify "refs/tags/$tag" >/dev/null; then
  echo "release: $tag already exists ($(git rev-parse --short "$tag^{commit}")); nothing to do"
  echo "released=false" >>"$out"
  exit 0
fi
git tag "$tag" HEAD
git tag --force "$major" HEAD
git push --quiet "$remote" "refs/tags/$tag"
git push --quiet --force "$remote" "refs/tags/$major"
echo "release: tagged $tag and moved $major to $(git rev-parse --short HEAD)"
echo "released=true" >>"$out"
