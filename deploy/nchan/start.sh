#!/usr/bin/env bash
# Start a local Nchan cluster: one redis-server and two nginx + Nchan nodes (A and B) that share it.
# Everything binds to 127.0.0.1 and lives under WORKDIR (configs, pid files, logs).
#
#   start.sh WORKDIR [PORT_A=20081] [PORT_B=20082] [REDIS_PORT=20379]
#   env: NCHAN_PING_INTERVAL  seconds between ":ping" comments (default 10, 0 = off)
#        NGINX, NCHAN_MODULE, REDIS_SERVER, REDIS_CLI  the binaries and module (default: Debian's paths)
#
# Idempotent: a server that is already running (per its pid file) is left alone and a stopped one is
# started again, so running it again after a node was killed brings that node back. A changed ping
# interval reloads the nodes. Installs the Debian packages it needs when they are missing (as root or
# with passwordless sudo). Prints the URLs and writes WORKDIR/cluster.env and WORKDIR/cluster.json.
# Stop with stop.sh WORKDIR.
set -euo pipefail

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
WORK=$(cd "$1" && pwd)
PORT_A=${2:-20081}
PORT_B=${3:-20082}
REDIS_PORT=${4:-20379}
PING_INTERVAL=${NCHAN_PING_INTERVAL:-10}
NGINX=${NGINX:-/usr/sbin/nginx}
NCHAN_MODULE=${NCHAN_MODULE:-/usr/lib/nginx/modules/ngx_nchan_module.so}
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
REDIS_CLI=${REDIS_CLI:-/usr/bin/redis-cli}

die() { echo "start.sh: $*" >&2; exit 1; }

for p in "$PORT_A" "$PORT_B" "$REDIS_PORT"; do
  [[ $p =~ ^[0-9]+$ ]] && (( p > 0 && p < 65536 )) || die "not a port: $p"
done
[[ $PORT_A != "$PORT_B" && $PORT_A != "$REDIS_PORT" && $PORT_B != "$REDIS_PORT" ]] || die "the three ports must differ"
[[ $PING_INTERVAL =~ ^[0-9]+$ ]] || die "NCHAN_PING_INTERVAL must be whole seconds, not: $PING_INTERVAL"

# The servers, and the tools this script uses (ps, curl, setsid), by Debian package.
ensure_packages() {
  local missing=()
  [[ -x $NGINX ]] || missing+=(nginx)
  [[ -f $NCHAN_MODULE ]] || missing+=(libnginx-mod-nchan)
  [[ -x $REDIS_SERVER && -x $REDIS_CLI ]] || missing+=(redis-server)
  command -v ps >/dev/null || missing+=(procps)
  command -v curl >/dev/null || missing+=(curl)
  command -v setsid >/dev/null || missing+=(util-linux)
  (( ${#missing[@]} == 0 )) && return 0
  command -v apt-get >/dev/null \
    || die "missing ${missing[*]} and no apt-get to install them: install nginx with the Nchan module and redis-server, then set NGINX, NCHAN_MODULE, REDIS_SERVER and REDIS_CLI"
  local sudo=()
  if (( $(id -u) != 0 )); then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null \
      || die "missing Debian packages ${missing[*]}, and this user can install them only as root; run: sudo apt-get install -y ${missing[*]}"
    sudo=(sudo -n)
  fi
  echo "start.sh: installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine has no package lists yet: update once when the first try fails.
  "${sudo[@]}" apt-get install -y -q "${missing[@]}" >&2 \
    || { "${sudo[@]}" apt-get update -q >&2 && "${sudo[@]}" apt-get install -y -q "${missing[@]}" >&2; } \
    || die "apt-get install ${missing[*]} failed (its output is above)"
  [[ -x $NGINX && -f $NCHAN_MODULE && -x $REDIS_SERVER ]] || die "installed ${missing[*]}, but $NGINX, $NCHAN_MODULE or $REDIS_SERVER is still missing"
}

# Alive and not a zombie (a killed server stays a zombie until init reaps it, which can take a while).
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [[ -n $st && $st != Z* ]]; }

# The pid in a pid file if that process is alive; otherwise the file goes.
live_pid() {
  local f=$1 pid
  [[ -s $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && { echo "$pid"; return 0; }
  rm -f "$f"
  return 1
}

# A master killed with SIGKILL leaves its worker serving the port. The worker's process group still has the
# master's pid (the kernel does not reuse a pid while a group has it), so that group is ended.
reap_orphans() {
  local f=$1 pid
  [[ -s $f ]] || return 0
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  if ! alive "$pid" && kill -0 -- "-$pid" 2>/dev/null; then
    kill -KILL -- "-$pid" 2>/dev/null || true
    sleep 0.2
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # seconds, description, command...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do
    (( SECONDS < deadline )) || die "timed out waiting for $what (logs: $WORK/*/logs/error.log, $WORK/redis/redis.log)"
    sleep 0.1
  done
}

start_redis() {
  local dir=$WORK/redis pid
  mkdir -p "$dir"
  if pid=$(live_pid "$dir/redis.pid"); then
    echo "redis already running (pid $pid)" >&2
  else
    port_open "$REDIS_PORT" && die "127.0.0.1:$REDIS_PORT is in use by another process"
    # No persistence: the cluster's channels live as long as this redis-server.
    setsid -f "$REDIS_SERVER" --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
      --dir "$dir" --save '' --appendonly no --daemonize no \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1
  fi
  wait_for 10 "redis on port $REDIS_PORT" redis_ready
}
redis_ready() { [[ $("$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]] && live_pid "$WORK/redis/redis.pid" >/dev/null; }

start_node() { # name port
  local name=$1 port=$2 dir=$WORK/$1 pid
  mkdir -p "$dir/logs" "$dir/tmp"
  sed -e "s/@PORT@/$port/g" -e "s/@REDIS_PORT@/$REDIS_PORT/g" -e "s/@PING_INTERVAL@/$PING_INTERVAL/g" \
    -e "s/@WORKER_CONNECTIONS@/$WORKER_CONNECTIONS/g" -e "s|@NCHAN_MODULE@|$NCHAN_MODULE|g" \
    "$HERE/nginx.conf.template" >"$dir/nginx.conf.new"
  reap_orphans "$dir/nginx.pid"
  if pid=$(live_pid "$dir/nginx.pid"); then
    if cmp -s "$dir/nginx.conf.new" "$dir/nginx.conf"; then
      rm -f "$dir/nginx.conf.new"
      echo "node $name already running (pid $pid)" >&2
    else
      mv "$dir/nginx.conf.new" "$dir/nginx.conf"
      "$NGINX" -p "$dir/" -e logs/error.log -c nginx.conf -t -q || die "node $name: nginx rejects $dir/nginx.conf"
      kill -HUP "$pid"
      echo "node $name reloaded with its new config (pid $pid)" >&2
    fi
  else
    port_open "$port" && die "127.0.0.1:$port is in use by another process"
    mv "$dir/nginx.conf.new" "$dir/nginx.conf"
    "$NGINX" -p "$dir/" -e logs/error.log -c nginx.conf -t -q || die "node $name: nginx rejects $dir/nginx.conf"
    # nginx in the foreground in a session of its own: the master's pid is also its worker's process group.
    setsid -f "$NGINX" -p "$dir/" -e logs/error.log -c nginx.conf -g 'daemon off;' \
      </dev/null >>"$dir/logs/stdout.log" 2>&1
  fi
  wait_for 10 "node $name on port $port" node_ready "$port" "$dir"
}
node_ready() { # port dir: listening, connected to redis, publisher answering
  live_pid "$2/nginx.pid" >/dev/null || return 1
  curl -fsS -m 1 "http://127.0.0.1:$1/nchan_status" 2>/dev/null | grep -q '^redis connected servers: [1-9]' || return 1
  local code
  code=$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:$1/pub/__ready" 2>/dev/null) || return 1
  [[ $code == 404 || $code == 200 ]]
}

ensure_packages

# Each SSE subscriber holds a connection: raise the soft open-file limit to the hard one and size
# worker_connections from it (at most 4096).
hard=$(ulimit -Hn)
if [[ $hard == unlimited ]]; then ulimit -n 65536 2>/dev/null || true; else ulimit -n "$hard" 2>/dev/null || true; fi
soft=$(ulimit -n)
[[ $soft == unlimited ]] && soft=65536
WORKER_CONNECTIONS=$(( soft - 64 < 4096 ? soft - 64 : 4096 ))
(( WORKER_CONNECTIONS >= 64 )) || WORKER_CONNECTIONS=64

start_redis
start_node a "$PORT_A"
start_node b "$PORT_B"

PID_A=$(<"$WORK/a/nginx.pid"); PID_B=$(<"$WORK/b/nginx.pid"); PID_R=$(<"$WORK/redis/redis.pid")
cat >"$WORK/cluster.env" <<ENV
NCHAN_A_URL=http://127.0.0.1:$PORT_A
NCHAN_B_URL=http://127.0.0.1:$PORT_B
NCHAN_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
NCHAN_A_PID=$PID_A
NCHAN_B_PID=$PID_B
NCHAN_REDIS_PID=$PID_R
ENV
cat >"$WORK/cluster.json" <<JSON
{
  "nodes": {
    "a": { "url": "http://127.0.0.1:$PORT_A", "pid": $PID_A, "pidFile": "$WORK/a/nginx.pid" },
    "b": { "url": "http://127.0.0.1:$PORT_B", "pid": $PID_B, "pidFile": "$WORK/b/nginx.pid" }
  },
  "redis": { "url": "redis://127.0.0.1:$REDIS_PORT", "pid": $PID_R, "pidFile": "$WORK/redis/redis.pid" },
  "publish": "/pub/{channel}",
  "subscribe": "/sub/{channel}"
}
JSON

echo "node A:  http://127.0.0.1:$PORT_A  (pid $PID_A)  publish POST /pub/<channel>, subscribe GET /sub/<channel>"
echo "node B:  http://127.0.0.1:$PORT_B  (pid $PID_B)"
echo "redis:   redis://127.0.0.1:$REDIS_PORT  (pid $PID_R)"
echo "env:     $WORK/cluster.env   json: $WORK/cluster.json   stop: $HERE/stop.sh $WORK"
