#!/usr/bin/env bash
# Installs the build into a temporary prefix and uses it the two ways a C
# project would: find_package(cgoguard) with CMake, and pkg-config. The
# consumer program must build, link and run (installing the crash guard).
# usage: check_install.sh BUILD_DIR C_COMPILER
set -eu
build=$1 cc=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in bin/cgoguard lib/libcgoguard.so lib/libcgoguard.a lib/libcgoguard-preload.so \
         include/cgoguard/cgoguard.h lib/pkgconfig/cgoguard.pc lib/cmake/cgoguard/cgoguardConfig.cmake; do
  [ -e "$tmp/prefix/$f" ] || { echo "FAIL: $f was not installed"; exit 1; }
done
mkdir "$tmp/consumer"
cat >"$tmp/consumer/main.c" <<'C'
#include <stdio.h>
#include <cgoguard/cgoguard.h>
int main(void) {
    if (cg_crashguard_install() != 0) return 1;
    puts("consumer ok");
    return 0;
}
C
cat >"$tmp/consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(consumer C)
find_package(cgoguard REQUIRED)
add_executable(consumer main.c)
target_link_libraries(consumer PRIVATE cgoguard::cgoguard)
CM
CC=$cc cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
"$tmp/consumer/build/consumer" | grep -q "consumer ok" || { echo "FAIL: the find_package consumer"; exit 1; }
echo "ok find_package(cgoguard)"
flags=$(PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" pkg-config --cflags --libs cgoguard)
# shellcheck disable=SC2086
$cc "$tmp/consumer/main.c" -o "$tmp/pc-consumer" $flags
"$tmp/pc-consumer" | grep -q "consumer ok" || { echo "FAIL: the pkg-config consumer"; exit 1; }
echo "ok pkg-config cgoguard (relocated prefix)"
