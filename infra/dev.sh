#!/usr/bin/env bash
# Developer entry point: installs, starts and stops the real RabbitMQ and Redis the platform and its
# integration tests use, runs the test suite, and runs the platform against them.
#
#   infra/dev.sh install   apt-get rabbitmq-server, redis-server, chromium and xmlsec1 when missing (sudo when not root);
#                          npm @redocly/cli (pinned) into .tools/redocly for the OpenAPI lint test
#   infra/dev.sh up        start both on loopback (idempotent; waits until they really answer)
#   infra/dev.sh down      stop what 'up' started, epmd included
#   infra/dev.sh status    say what is running
#   infra/dev.sh test      install, up, build, run every test; last line "N passed, N failed, N skipped"
#   infra/dev.sh run       up, then the platform against RabbitMQ and Redis (extra args go to it)
#   infra/dev.sh ctl ...   rabbitmqctl against the dev broker (tests use it to make throwaway vhosts)
#   infra/dev.sh cluster   up, then every module as its own process (two issuing replicas) against them
#   infra/dev.sh cluster-down   stop those processes
#   infra/dev.sh chaos ... the chaos harness on its own RabbitMQ and Redis (args go to it, e.g. --only redis-5s)
#   infra/dev.sh publish [DIR]  a deployable bundle in DIR (default .data/publish/warnings-linux-x64): app/
#                          (self-contained linux-x64 platform with its data files), systemd/ units,
#                          warnings.env template, readyz.sh; laid out to be copied to /opt/warnings
#
# Ports and folders can be overridden: WARNINGS_RABBITMQ_PORT (5672), WARNINGS_REDIS_PORT (6379),
# WARNINGS_DATA_DIR (<repo>/.data, ignored by git). The cluster: WARNINGS_CLUSTER_NAME (dev),
# WARNINGS_CLUSTER_BASE_PORT (5200: process i listens on base+2i for gRPC, base+2i+1 for HTTP),
# WARNINGS_CLUSTER_VHOST (/), WARNINGS_CLUSTER_PREFIX (wrn); any other Section__Key variable in the
# environment reaches every process. The chaos harness: WARNINGS_CHAOS_RABBITMQ_PORT (5682),
# WARNINGS_CHAOS_REDIS_PORT (6389), WARNINGS_CHAOS_DATA_DIR (<repo>/.data/chaos). Publishing:
# WARNINGS_PUBLISH_RID (linux-x64), WARNINGS_PUBLISH_SELF_CONTAINED (true; false needs .NET on the
# target), WARNINGS_PUBLISH_BUILD_DIR (<data>/publish-build: its own obj/bin, apart from the dev build's).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${WARNINGS_DATA_DIR:-$repo/.data}
rabbit_port=${WARNINGS_RABBITMQ_PORT:-5672}
redis_port=${WARNINGS_REDIS_PORT:-6379}
rabbit_node=${WARNINGS_RABBITMQ_NODE:-warnings-dev@localhost}
rabbit_bin=/usr/lib/rabbitmq/bin

log() { printf '[dev.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Closes every fd above 2 in the current (sub)shell. Bash keeps saved copies of redirected fds (e.g.
# 251); a daemon that inherits one holds the caller's pipe open, and whoever reads our output through
# a pipe (CI, '| tail') would wait for the daemon to exit. Call it in a subshell that then execs.
close_inherited_fds() {
  local fd n
  for fd in /proc/$BASHPID/fd/*; do
    n=${fd##*/}
    [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-"
  done
  return 0
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# http_ready PORT: GET /readyz on loopback answers 200 (plain bash: curl may not be installed).
http_ready() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET /readyz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    read -r -t 5 _ status _ <&3 && [ "$status" = 200 ]
  ) 2>/dev/null
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls once a second; never trusts a start command's exit code.
wait_until() {
  local limit=$1 what=$2; shift 2
  local i
  for ((i = 0; i < limit; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  die "$what not ready after ${limit}s"
}

# The broker runs as the invoking user with its own node name, folders and cookie home, so it never
# touches (or collides with) a system RabbitMQ service.
rabbit_env() {
  export RABBITMQ_NODENAME=$rabbit_node
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT=$rabbit_port
  export RABBITMQ_DIST_PORT=$((rabbit_port + 20000))
  export RABBITMQ_CONFIG_FILE=$repo/infra/rabbitmq/rabbitmq.conf
  export RABBITMQ_CONF_ENV_FILE=/dev/null
  export RABBITMQ_ENABLED_PLUGINS_FILE=$data/rabbitmq/enabled_plugins
  export RABBITMQ_MNESIA_BASE=$data/rabbitmq/mnesia
  export RABBITMQ_LOG_BASE=$data/rabbitmq/log
  export RABBITMQ_PID_FILE=$data/rabbitmq/rabbitmq.pid
  export ERL_EPMD_ADDRESS=127.0.0.1
  # Erlang distribution (node <-> rabbitmqctl) on loopback too, not on every interface.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export HOME=$data/rabbitmq/home
}

ctl() { (rabbit_env && "$rabbit_bin/rabbitmqctl" -n "$rabbit_node" -q "$@"); }

# The OpenAPI lint test runs Redocly CLI at this pinned version from <repo>/.tools/redocly (ignored
# by git), installed from the npm registry with the machine's own Node.js and npm.
redocly_version=2.77.0
install_redocly() {
  local dir=$repo/.tools/redocly
  if grep -qs "\"version\": \"$redocly_version\"" "$dir/node_modules/@redocly/cli/package.json" && [ -x "$dir/node_modules/.bin/redocly" ]; then
    return
  fi
  command -v npm >/dev/null 2>&1 || die "npm missing: the OpenAPI lint test needs Node.js and npm (apt-get install nodejs npm)"
  log "installing @redocly/cli@$redocly_version into $dir"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@redocly/cli@$redocly_version" >/dev/null \
    || die "npm install @redocly/cli@$redocly_version failed"
}

cmd_install() {
  install_redocly
  local missing=()
  [ -x "$rabbit_bin/rabbitmq-server" ] || missing+=(rabbitmq-server)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
  # The dashboard's browser test drives Debian's Chromium headless.
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  # ...with a CJK font, so its screenshots show the Chinese text.
  [ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing+=(fonts-wqy-zenhei)
  # The signed-CAP tests verify every document with an independent XML-DSig implementation.
  command -v xmlsec1 >/dev/null 2>&1 || missing+=(xmlsec1)
  [ ${#missing[@]} -eq 0 ] && { log "rabbitmq-server, redis-server, chromium and xmlsec1 already installed"; return; }
  log "installing ${missing[*]}"
  # Keep the packages' init scripts from starting system-wide services on all interfaces:
  # 'up' starts our own instances on loopback.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod +x "$policy"
    created_policy=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { [ $created_policy -eq 1 ] && as_root rm -f "$policy"; die "apt-get install failed"; }
  [ $created_policy -eq 1 ] && as_root rm -f "$policy"
  log "installed ${missing[*]}"
}

redis_up() {
  if redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; then
    log "redis already answering on 127.0.0.1:$redis_port"; return
  fi
  port_open "$redis_port" && die "port $redis_port is taken by something that is not Redis"
  mkdir -p "$data/redis"
  (close_inherited_fds; exec redis-server "$repo/infra/redis/redis.conf" --port "$redis_port" --dir "$data/redis" \
    --pidfile "$data/redis/redis.pid" --logfile "$data/redis/redis.log")
  wait_until 30 "redis on port $redis_port" sh -c "redis-cli -p $redis_port ping | grep -q PONG"
  log "redis up on 127.0.0.1:$redis_port (AOF everysec in $data/redis)"
}

rabbit_up() {
  if port_open "$rabbit_port" && ctl await_startup --timeout 5 >/dev/null 2>&1; then
    log "rabbitmq already running on 127.0.0.1:$rabbit_port"; return
  fi
  port_open "$rabbit_port" && die "port $rabbit_port is taken by something that is not our RabbitMQ"
  mkdir -p "$data/rabbitmq/home" "$data/rabbitmq/log"
  [ -f "$data/rabbitmq/enabled_plugins" ] || echo '[].' >"$data/rabbitmq/enabled_plugins"
  # Not -detached: it exits 0 even when the node fails to boot. Run it in its own session and wait
  # for the port and await_startup instead.
  (rabbit_env; close_inherited_fds; exec setsid "$rabbit_bin/rabbitmq-server" >"$data/rabbitmq/log/console.log" 2>&1 </dev/null) &
  wait_until 90 "rabbitmq port $rabbit_port" port_open "$rabbit_port"
  ctl await_startup --timeout 90 || die "rabbitmq did not finish starting; see $data/rabbitmq/log"
  log "rabbitmq up on 127.0.0.1:$rabbit_port (node $rabbit_node)"
}

cmd_up() {
  command -v redis-server >/dev/null 2>&1 && [ -x "$rabbit_bin/rabbitmq-server" ] \
    || die "rabbitmq-server or redis-server missing: run 'infra/dev.sh install'"
  redis_up
  rabbit_up
}

cmd_down() {
  if redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; then
    redis-cli -p "$redis_port" shutdown >/dev/null 2>&1 || true
    log "redis stopped"
  fi
  if [ -f "$data/rabbitmq/rabbitmq.pid" ] || port_open "$rabbit_port"; then
    ctl shutdown >/dev/null 2>&1 || true   # waits for the node to exit (~9 s)
    local pid
    pid=$(cat "$data/rabbitmq/rabbitmq.pid" 2>/dev/null || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    rm -f "$data/rabbitmq/rabbitmq.pid"
    log "rabbitmq stopped"
  fi
  # epmd was started on loopback by our node; stop it when no other Erlang node still uses it.
  if command -v epmd >/dev/null 2>&1 && epmd -names 2>/dev/null | grep -q '^epmd: up'; then
    if ! epmd -names 2>/dev/null | grep -q '^name '; then
      epmd -kill >/dev/null 2>&1 || true
      log "epmd stopped"
    fi
  fi
}

cmd_status() {
  if redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; then echo "redis: up on 127.0.0.1:$redis_port"; else echo "redis: down"; fi
  if port_open "$rabbit_port" && ctl await_startup --timeout 5 >/dev/null 2>&1; then echo "rabbitmq: up on 127.0.0.1:$rabbit_port ($rabbit_node)"; else echo "rabbitmq: down"; fi
}

# Sums the TRX files' counters into the one closing line CI reads.
summarise_trx() {
  local dir=$1 passed=0 failed=0 total=0 executed=0 f counters
  for f in "$dir"/*.trx; do
    [ -e "$f" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
    num() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    total=$((total + $(num total))); executed=$((executed + $(num executed)))
    passed=$((passed + $(num passed))); failed=$((failed + $(num failed) + $(num error) + $(num timeout) + $(num aborted)))
  done
  echo "$passed $failed $((total - executed))"
}

# Names each failed test and the first lines of its message, so the end of a long log says which.
list_failures() {
  local dir=$1 f
  for f in "$dir"/*.trx; do
    [ -e "$f" ] || continue
    awk '
      function text(s) {
        gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s)
        gsub(/&#x[dD];/, "", s); gsub(/&#x[aA];/, " ", s); gsub(/&amp;/, "\\&", s); return s }
      /<UnitTestResult / { want = 0 }
      /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
        match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11)
        print "FAILED: " text(name); want = 1; shown = 0 }
      want && /<Message>/ { inmsg = 1; sub(/^.*<Message>/, "") }
      want && inmsg && shown < 6 { line = $0; sub(/<\/Message>.*/, "", line); print "    " text(line); shown++ }
      inmsg && /<\/Message>/ { inmsg = 0; want = 0 }
    ' "$f" || true
  done
}

cmd_test() {
  cmd_install
  cmd_up
  export WARNINGS_TEST_RABBITMQ_PORT=$rabbit_port WARNINGS_TEST_REDIS_PORT=$redis_port
  export WARNINGS_TEST_DEV_SH=$repo/infra/dev.sh
  local results=$data/test-results
  rm -rf "$results"; mkdir -p "$results/artifacts"
  # Screenshots and other files tests leave for people to look at.
  export WARNINGS_TEST_ARTIFACTS=$results/artifacts
  log "building"
  dotnet build "$repo/Warnings.sln" -c Release -nologo -v q
  log "testing"
  local rc=0
  dotnet test "$repo/Warnings.sln" -c Release --no-build -nologo -v q \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" || rc=$?
  read -r passed failed skipped < <(summarise_trx "$results")
  [ "$failed" -eq 0 ] || list_failures "$results" || true
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$rc" -eq 0 ] || exit "$rc"
  [ "$failed" -eq 0 ] || exit 1
  [ "$passed" -gt 0 ] || { log "no test ran"; exit 1; }
}

cmd_run() {
  cmd_up
  export Bus__Transport=RabbitMq Bus__RabbitMq__Port=$rabbit_port Redis__Configuration="127.0.0.1:$redis_port"
  exec dotnet run --project "$repo/services/Warnings.Platform" -- "$@"
}


# The multi-process layout: each module in its own process, the issuing module twice, all on the
# same RabbitMQ and Redis. Started one after another (each waits for /readyz), so the first writes
# the development keys file (~/.warnings/dev-api-keys.json) the others then reuse.
cluster_modules=(publication-list issuing issuing reporting dispatch feeds analysis)

cluster_dir() { echo "$data/cluster-${WARNINGS_CLUSTER_NAME:-dev}"; }

cmd_cluster() {
  cmd_up
  local dll=$repo/services/Warnings.Platform/bin/Release/net10.0/Warnings.Platform.dll
  if [ ! -f "$dll" ]; then
    log "building the platform (Release)"
    dotnet build "$repo/services/Warnings.Platform" -c Release -nologo -v q >&2
  fi
  local dir base i module grpc http name
  dir=$(cluster_dir); base=${WARNINGS_CLUSTER_BASE_PORT:-5200}
  mkdir -p "$dir"
  for i in "${!cluster_modules[@]}"; do
    module=${cluster_modules[$i]}
    name="${WARNINGS_CLUSTER_NAME:-dev}-$module-$i"
    grpc=$((base + 2 * i)); http=$((base + 2 * i + 1))
    if [ -f "$dir/$i.pid" ] && kill -0 "$(cat "$dir/$i.pid")" 2>/dev/null; then
      log "$name already running (pid $(cat "$dir/$i.pid"))"; continue
    fi
    port_open "$grpc" && die "port $grpc is taken"
    (
      export Platform__Modules=$module Platform__InstanceName=$name
      export Platform__GrpcUrl="http://127.0.0.1:$grpc" Platform__HttpUrl="http://127.0.0.1:$http"
      export Bus__Transport=RabbitMq Bus__RabbitMq__Port=$rabbit_port Bus__RabbitMq__VirtualHost=${WARNINGS_CLUSTER_VHOST:-/}
      export Redis__Configuration="127.0.0.1:$redis_port" Store__KeyPrefix=${WARNINGS_CLUSTER_PREFIX:-wrn}
      export Identity__DevKeys__Enabled=${Identity__DevKeys__Enabled:-true}
      close_inherited_fds
      exec setsid dotnet "$dll" >"$dir/$i.log" 2>&1 </dev/null
    ) &
    echo $! >"$dir/$i.pid"
    wait_until 60 "$name (see $dir/$i.log)" http_ready "$http"
    log "$name up: gRPC 127.0.0.1:$grpc, HTTP 127.0.0.1:$http (pid $(cat "$dir/$i.pid"), log $dir/$i.log)"
  done
}

cmd_cluster_down() {
  local dir pid f i
  dir=$(cluster_dir)
  [ -d "$dir" ] || { log "no cluster running (${WARNINGS_CLUSTER_NAME:-dev})"; return 0; }
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
  done
  # Graceful stop (in-flight work finishes); anything still there after 30 s is killed.
  for i in $(seq 1 30); do
    local alive=0
    for f in "$dir"/*.pid; do [ -e "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 1
  done
  for f in "$dir"/*.pid; do [ -e "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; done
  log "cluster ${WARNINGS_CLUSTER_NAME:-dev} stopped (logs kept in $dir)"
}

# The chaos harness kills its broker and Redis, so it gets its own (own ports, node name and data
# folder), started and stopped by the harness through this script with the override variables.
cmd_chaos() {
  export WARNINGS_RABBITMQ_PORT=${WARNINGS_CHAOS_RABBITMQ_PORT:-5682}
  export WARNINGS_REDIS_PORT=${WARNINGS_CHAOS_REDIS_PORT:-6389}
  export WARNINGS_RABBITMQ_NODE=warnings-chaos@localhost
  export WARNINGS_DATA_DIR=${WARNINGS_CHAOS_DATA_DIR:-$repo/.data/chaos}
  export WARNINGS_TEST_DEV_SH=$repo/infra/dev.sh
  command -v redis-server >/dev/null 2>&1 && [ -x "$rabbit_bin/rabbitmq-server" ] \
    || die "rabbitmq-server or redis-server missing: run 'infra/dev.sh install'"
  log "building the platform and the chaos harness (Release)"
  dotnet build "$repo/tests/Warnings.Chaos" -c Release -nologo -v q -clp:ErrorsOnly >&2
  exec dotnet "$repo/tests/Warnings.Chaos/bin/Release/net10.0/Warnings.Chaos.dll" "$@"
}

# The bundle an operator copies to /opt/warnings (the units' paths): the published platform in app/
# with the data files it loads from beside its binary, the systemd units, the environment file
# template and the health probe. The build has its own obj/bin folders (--artifacts-path), so it never
# disturbs the development build or a test run using it.
cmd_publish() {
  local out=${1:-$data/publish/warnings-${WARNINGS_PUBLISH_RID:-linux-x64}}
  local rid=${WARNINGS_PUBLISH_RID:-linux-x64} self_contained=${WARNINGS_PUBLISH_SELF_CONTAINED:-true}
  local build=${WARNINGS_PUBLISH_BUILD_DIR:-$data/publish-build}
  out=$(realpath -m "$out")
  # Only ever empty a folder that is ours: a bundle from before, or nothing.
  if [ -d "$out" ] && [ -n "$(ls -A "$out")" ] && [ ! -f "$out/BUNDLE" ]; then
    die "$out is not empty and holds no earlier bundle (no BUNDLE file): give an empty or new folder"
  fi
  rm -rf "$out/app" "$out/systemd"
  mkdir -p "$out/systemd"
  log "publishing the platform for $rid (self-contained: $self_contained) into $out/app"
  dotnet publish "$repo/services/Warnings.Platform/Warnings.Platform.csproj" -c Release -r "$rid" \
    --self-contained "$self_contained" --artifacts-path "$build" -o "$out/app" -nologo -v q -clp:ErrorsOnly >&2
  local f
  for f in publication-list/shanghai.json data/shanghai-districts.geojson dispatch/cell-areas.json Warnings.Platform; do
    [ -e "$out/app/$f" ] || die "the published platform lacks $f"
  done
  cp "$repo/infra/deploy/systemd/warnings@.service" "$repo/infra/deploy/systemd/warnings.target" "$out/systemd/"
  cp "$repo/infra/deploy/warnings.env" "$repo/infra/deploy/README.md" "$out/"
  install -m 0755 "$repo/infra/deploy/readyz.sh" "$out/readyz.sh"
  {
    echo "warnings-platform"
    echo "commit: $(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "runtime: $rid, self-contained: $self_contained"
    echo "published: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$out/BUNDLE"
  log "bundle ready in $out (install: see README.md there, section 'systemd')"
}

case "${1:-}" in
  install) cmd_install ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  test) cmd_test ;;
  run) shift; cmd_run "$@" ;;
  ctl) shift; ctl "$@" ;;
  cluster) cmd_cluster ;;
  cluster-down) cmd_cluster_down ;;
  chaos) shift; cmd_chaos "$@" ;;
  publish) shift; cmd_publish "$@" ;;
  *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
