#!/usr/bin/env bash
# Build multi-megabyte real-world benchmark modules: the SQLite amalgamation
# (taken from the better-sqlite3 npm package; no native addon is built)
# compiled to textual LLVM IR.
#
#   bash bench/make-input.sh          # idempotent: existing outputs are kept
#   FORCE=1 bash bench/make-input.sh  # rebuild everything
#
# Outputs (bench/data/ is git-ignored):
#   bench/data/sqlite3-clang14-O0.ll   clang-14 -O0
#   bench/data/sqlite3-clang14-O2.ll   clang-14 -O2
#   bench/data/sqlite3-clang19-O2.ll   clang-19 -O2
# Needs: npm, tar, clang-14, clang-19; llvm-as / llvm-as-19 to validate (optional).
set -euo pipefail

BETTER_SQLITE3_VERSION=${BETTER_SQLITE3_VERSION:-12.11.1}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=bench/data
mkdir -p "$OUT"

# name | compiler | flags | validator
TARGETS=(
  "sqlite3-clang14-O0|clang-14|-O0|llvm-as"
  "sqlite3-clang14-O2|clang-14|-O2|llvm-as"
  "sqlite3-clang19-O2|clang-19|-O2|llvm-as-19"
)

missing=0
for t in "${TARGETS[@]}"; do
  IFS='|' read -r name _ _ _ <<<"$t"
  if [[ -n "${FORCE:-}" || ! -s "$OUT/$name.ll" ]]; then missing=1; fi
done

if [[ $missing == 1 ]]; then
  SRCDIR="$OUT/sqlite-src"
  if [[ ! -s "$SRCDIR/sqlite3.c" ]]; then
    TMP=$(mktemp -d)
    trap 'rm -rf "$TMP"' EXIT
    echo "== npm pack better-sqlite3@$BETTER_SQLITE3_VERSION"
    (cd "$TMP" && npm pack --silent "better-sqlite3@$BETTER_SQLITE3_VERSION" >/dev/null 2>&1)
    tar -xzf "$TMP"/better-sqlite3-*.tgz -C "$TMP"
    amal=$(find "$TMP/package" -name sqlite3.c -print -quit)
    if [[ -z "$amal" ]]; then
      # older releases ship the amalgamation as a tarball under deps/
      tarball=$(find "$TMP/package/deps" -name '*.tar.gz' -print -quit)
      [[ -n "$tarball" ]] || { echo "make-input.sh: no sqlite3.c in the package" >&2; exit 1; }
      tar -xzf "$tarball" -C "$TMP"
      amal=$(find "$TMP" -name sqlite3.c -print -quit)
    fi
    mkdir -p "$SRCDIR"
    cp "$amal" "$(dirname "$amal")/sqlite3.h" "$SRCDIR/"
  fi
  grep -m1 '#define SQLITE_VERSION ' "$SRCDIR/sqlite3.h" || true

  for t in "${TARGETS[@]}"; do
    IFS='|' read -r name cc flags as <<<"$t"
    f="$OUT/$name.ll"
    if [[ -z "${FORCE:-}" && -s "$f" ]]; then continue; fi
    echo "== $cc $flags -S -emit-llvm sqlite3.c -> $f"
    start=$(date +%s)
    # shellcheck disable=SC2086
    (cd "$SRCDIR" && "$cc" $flags -S -emit-llvm -fdebug-compilation-dir=. -o "$ROOT/$f.tmp" sqlite3.c)
    mv "$f.tmp" "$f"
    echo "   compiled in $(( $(date +%s) - start ))s"
    if command -v "$as" >/dev/null 2>&1; then
      "$as" "$f" --disable-output && echo "   $as: ok"
    fi
  done
fi

echo "== sizes"
for t in "${TARGETS[@]}"; do
  IFS='|' read -r name _ _ _ <<<"$t"
  f="$OUT/$name.ll"
  printf '%-40s %10d bytes  %8d lines\n' "$f" "$(stat -c %s "$f")" "$(wc -l < "$f")"
done
