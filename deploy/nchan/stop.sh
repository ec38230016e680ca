#!/usr/bin/env bash
# Stop what start.sh started in WORKDIR, by pid: node A, node B, then redis.
#
#   stop.sh WORKDIR
#
# SIGTERM first; after 5 s SIGKILL to the server's process group (start.sh makes every server a session
# leader, so its group is the server and its workers, nothing else). Safe to run twice.
set -uo pipefail

if [[ $# -ne 1 || $1 == -h || $1 == --help ]]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
WORK=$1
[[ -d $WORK ]] || { echo "stop.sh: no such directory: $WORK" >&2; exit 0; }

alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [[ -n $st && $st != Z* ]]; }
# Some member of process group $1 is alive (zombies do not count).
group_alive() { ps -eo pgid=,stat= 2>/dev/null | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'; }

stop_one() { # name pidfile
  local name=$1 f=$2 pid pgid
  [[ -s $f ]] || { echo "$name: not running"; return 0; }
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || { rm -f "$f"; return 0; }
  # Signal only a group that this pid leads. When the leader is gone but its group lives on (nginx workers
  # after the master was SIGKILLed), the kernel has not reused the pid, so the group is still ours.
  if alive "$pid"; then
    pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')
    [[ $pgid == "$pid" ]] || pgid=""
  elif group_alive "$pid"; then
    pgid=$pid
  else
    pgid=""
  fi
  running() { alive "$pid" || { [[ -n $pgid ]] && group_alive "$pgid"; }; }
  if ! running; then
    echo "$name: not running (stale pid $pid)"
    rm -f "$f"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null
  local i
  for i in $(seq 50); do
    running || break
    sleep 0.1
  done
  if running; then
    if [[ -n $pgid ]]; then kill -KILL -- "-$pgid" 2>/dev/null; else kill -KILL "$pid" 2>/dev/null; fi
    echo "$name: killed (pid $pid)"
  else
    echo "$name: stopped (pid $pid)"
  fi
  rm -f "$f"
}

stop_one "node a" "$WORK/a/nginx.pid"
stop_one "node b" "$WORK/b/nginx.pid"
stop_one redis "$WORK/redis/redis.pid"
