#!/usr/bin/env bash
# System packages the tests need on a fresh Debian 12 machine:
#  - Mesa's lavapipe (software Vulkan) from bookworm-backports: Dawn (npm `webgpu`) rejects
#    the stock 22.3 driver, so GPU tests would find no adapter;
#  - Debian's chromium for the end-to-end tests (playwright-core drives it; no browser download).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
need=0
dpkg -s chromium >/dev/null 2>&1 || need=1
ver=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
case "$ver" in *bpo12*) ;; *) need=1 ;; esac
if [ "$need" = 0 ]; then echo "system deps already present (mesa $ver, chromium)"; exit 0; fi
# A transient mirror hiccup should not fail CI: three tries, a pause between them.
retry() {
  local n
  for n in 1 2 3; do
    "$@" && return 0
    echo "attempt $n of 3 failed: $*" >&2
    sleep $((n * 5))
  done
  return 1
}
$SUDO sh "$here/add-backports-source.sh"
retry $SUDO apt-get update -q
retry env DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
  libvulkan1 mesa-vulkan-drivers/bookworm-backports chromium fonts-dejavu-core
