#!/bin/sh
# The exact commands that produced the fixtures next to this script.
cd "$(dirname "$0")"
clang-14 -O2 -S -emit-llvm -fno-discard-value-names -o ta14.ll ta.c
clang-19 -O2 -S -emit-llvm -fno-discard-value-names -o ta19.ll ta.c
