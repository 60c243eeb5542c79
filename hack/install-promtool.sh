#!/usr/bin/env bash
# Finds promtool (Prometheus's rule checker) for the tests of
# config/prometheus/rules.yaml, and prints its path. One on PATH is used as it
# is. Otherwise the Debian package `prometheus` is downloaded (not installed:
# installing it would add a prometheus user and a service) and only its
# promtool is extracted into the cache outside the clone, keyed by the
# package's version; a second run finds it there and returns at once.
#
#   BOSUN_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/bosun)
set -euo pipefail

if command -v promtool >/dev/null; then
  command -v promtool
  exit 0
fi

cache=${BOSUN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bosun}
fail() {
  echo "bosun: promtool is required for the alert rules' tests: $1. Install Prometheus's promtool" \
    "(Debian: apt-get install prometheus, which also brings a server; or the promtool of a release from" \
    "https://prometheus.io/download/) and put it on PATH" >&2
  exit 1
}

# a promtool extracted earlier: the newest version cached
cached=$(printf '%s\n' "$cache"/bin/promtool-*/promtool | sort -V | tail -n 1 || true)
if [ -x "$cached" ]; then
  echo "$cached"
  exit 0
fi

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || fail "no promtool on PATH and no apt-get here"
candidate() { apt-cache policy prometheus 2>/dev/null | awk '$1 == "Candidate:" { print $2 }'; }
version=$(candidate)
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  [ "$(id -u)" = 0 ] || fail "the package lists know no prometheus package (apt-get update needs root)"
  echo "bosun: updating the package lists to find Debian's prometheus package (for promtool)" >&2
  apt-get update -qq >&2
  version=$(candidate)
  [ -n "$version" ] && [ "$version" != "(none)" ] || fail "the package lists have no prometheus package"
fi

dir="$cache/bin/promtool-${version//[^A-Za-z0-9.+~-]/_}"
echo "bosun: extracting promtool from Debian's prometheus $version into $dir" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# as root apt-get warns that it downloads unsandboxed (its _apt user cannot write to the folder): harmless here
(cd "$work" && apt-get download -qq "prometheus=$version" 2> >(grep -v 'unsandboxed' >&2) >&2) ||
  fail "apt-get download prometheus=$version failed"
dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
[ -x "$work/root/usr/bin/promtool" ] || fail "the prometheus package $version holds no usr/bin/promtool"
"$work/root/usr/bin/promtool" --version >/dev/null 2>&1 || fail "the extracted promtool does not run here"
mkdir -p "$dir"
cp "$work/root/usr/bin/promtool" "$dir/promtool.tmp"
mv "$dir/promtool.tmp" "$dir/promtool"
echo "$dir/promtool"
