#!/bin/sh
# Install the Debian 12 packages rovmon's build and tests need, only the
# missing ones.  Needs root (or sudo) when something is missing.
set -e
PKGS="build-essential clang pkg-config libpcap-dev libnids-dev libcmocka-dev
libjansson-dev libhiredis-dev libcurl4-openssl-dev redis-server tshark tcpdump
bird2 gobgpd exabgp stayrtr iproute2 ethtool python3 python3-scapy
tcpreplay bgpdump time zlib1g-dev libbz2-dev python3-aiosmtpd cppcheck clang-tidy
libmicrohttpd-dev redis-sentinel prometheus"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	$SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
