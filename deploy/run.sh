#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One command from a fresh Debian 12 machine to a running worker: installs the packages, builds
# Release into build/, and starts `alveo serve` on the shipped default configuration
# (config/alveo.json: DICOM AE ALVEO on port 11112, data in ./alveo-data, HTTP on 127.0.0.1:8112).
# Extra arguments go to `alveo serve` (e.g. --port 104). Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DALVEO_BUILD_TESTS=OFF
cmake --build build -j"$(nproc)" --target alveo
exec build/worker/alveo serve --config config/alveo.json "$@"
