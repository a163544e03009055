#!/usr/bin/env bash
# Exits 0 when the platform answers GET /readyz with 200 (bus and store reachable), 1 otherwise.
# The container health check: the .NET runtime images have bash but neither curl nor wget.
#   readyz.sh                      the port of Platform__HttpUrl (http://127.0.0.1:5101 when unset)
#   readyz.sh http://10.0.0.5:5101 another instance
# A wildcard listen address (0.0.0.0, *, +, [::]) is asked on loopback. Plain http only: with TLS on
# the HTTP endpoint, probe it with a TLS-capable client instead.
set -u
url=${1:-${Platform__HttpUrl:-http://127.0.0.1:5101}}
case $url in
  http://*) ;;
  *) echo "readyz.sh: only http:// URLs, not '$url'" >&2; exit 1 ;;
esac
authority=${url#http://}
authority=${authority%%/*}
port=${authority##*:}
host=${authority%:*}
host=${host#[}; host=${host%]}
case $host in
  0.0.0.0 | '*' | + | :: | '') host=127.0.0.1 ;;
  localhost) host=127.0.0.1 ;;
esac
(
  exec 3<>"/dev/tcp/$host/$port" || exit 1
  printf 'GET /readyz HTTP/1.0\r\nHost: %s\r\n\r\n' "$host" >&3
  IFS=' ' read -r -t 5 _ status _ <&3 && [ "$status" = 200 ]
) 2>/dev/null
