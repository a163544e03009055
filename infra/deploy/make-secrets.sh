#!/usr/bin/env bash
# Makes the secret files compose.yaml mounts as Docker secrets, with random values, in
# infra/deploy/secrets/ (or the folder given): rabbitmq_cookie, rabbitmq_password, audit_chain_key,
# jwt_signing_key. An existing file is kept, so running it again changes nothing. Replace
# jwt_signing_key with the city SSO's base64 signing key.
# The folder is 0700 (only its owner can reach the files); the files are 0444 because a bind-mounted
# secret keeps its mode and the platform runs as a non-root user inside the container.
set -euo pipefail
dir=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets}
install -d -m 0700 "$dir" && chmod 0700 "$dir"

random_base64() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
random_text() { head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$1"; }

make() {
  local name=$1 value=$2
  [ -s "$dir/$name" ] && { echo "kept    $dir/$name"; return; }
  (umask 0077; printf '%s' "$value" >"$dir/$name")
  chmod 0444 "$dir/$name"
  echo "created $dir/$name"
}

make rabbitmq_cookie "$(random_text 40)"
make rabbitmq_password "$(random_text 32)"
make audit_chain_key "$(random_base64 32)"
make jwt_signing_key "$(random_base64 32)"
