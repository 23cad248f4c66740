#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One command from a fresh Debian 12 machine to the whole test suite: installs the packages (with the
# test tools), builds Release with warnings as errors into build/, and runs every test through ctest.
# Extra arguments go to ctest (e.g. -L unit, -R Spool).
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh --tests
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DALVEO_BUILD_TESTS=ON -DALVEO_WERROR=ON
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@"
