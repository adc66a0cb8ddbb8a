#!/usr/bin/env bash
# Build a throwaway git repository from examples/demo/before, commit it, apply the change in
# examples/demo/after, and run aiguard on that change. Extra arguments go to `aiguard check`
# (e.g. --format sarif --output demo.sarif). Exit status: aiguard's.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(mktemp -d "${TMPDIR:-/tmp}/aiguard-demo.XXXXXX")
trap 'rm -rf "$repo"' EXIT
git_() { git -C "$repo" -c user.name=demo -c user.email=demo@example.invalid -c commit.gpgsign=false "$@"; }
git_ init -q -b main
cp -R "$here/demo/before/." "$repo/"
git_ add -A && git_ commit -q -m "shop: before the AI-assisted change"
rm -rf "${repo:?}"/shop "${repo:?}"/tests "${repo:?}"/web
cp -R "$here/demo/after/." "$repo/"
git_ add -A && git_ commit -q -m "shop: the AI-assisted change"
# --output is relative to where the script was called, not to the throwaway repository.
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -o|--output) args+=("$1" "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- "${args[@]+"${args[@]}"}"
echo "aiguard check --base HEAD~1 $* (in a throwaway copy of examples/demo)" >&2
cd "$repo"
set +e
aiguard check --base HEAD~1 "$@"
status=$?
set -e
exit $status
