#!/usr/bin/env bash
# Installs everything coop needs to build, test and benchmark, from Debian's
# archive. Idempotent: packages already present are left as they are.
set -euo pipefail

packages=(
  # toolchain
  cmake g++ make pkg-config git ca-certificates
  # libraries coop links
  libtorrent-rasterbar-dev libboost-dev libsqlitecpp-dev libsqlite3-dev libsodium-dev
  libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
  libgtest-dev libgmock-dev
  # tests and benchmarks: a stock client, a tracker, raw libtorrent, media tools
  aria2 opentracker python3 python3-libtorrent ffmpeg jq procps iproute2 coreutils time curl mpv
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root (or: sudo $0)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: installed ${#missing[@]} packages"
