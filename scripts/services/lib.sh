# shellcheck shell=bash
# Shared helpers for scripts/services/*. Source it; do not execute it.
#
# Everything that runs here keeps its state under $STATE_DIR ($ROOT/.services).

SERVICES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SERVICES_DIR/../.." && pwd)"
STATE_DIR="$ROOT/.services"
# shellcheck disable=SC2034 # used by the scripts that source this file
ALL_SERVICES=(postgres redis kafka mongo nginx)

# Fixed local ports; each can be overridden by an env var of the same name.
: "${PG_PORT:=55432}"
: "${REDIS_PORT:=56379}"
: "${KAFKA_PORT:=59092}"
: "${KAFKA_CONTROLLER_PORT:=59093}"
: "${MONGO_PORT:=57017}"
: "${NGINX_PORT:=8080}"
: "${GATEWAY_UPSTREAM:=127.0.0.1:4000}"
: "${BOOKINGS_UPSTREAM:=127.0.0.1:4001}"
: "${EVENTS_UPSTREAM:=127.0.0.1:4002}"
export PG_PORT REDIS_PORT KAFKA_PORT KAFKA_CONTROLLER_PORT MONGO_PORT NGINX_PORT GATEWAY_UPSTREAM BOOKINGS_UPSTREAM EVENTS_UPSTREAM

# Pinned versions.
: "${KAFKA_VERSION:=3.9.2}"
: "${FERRETDB_VERSION:=v1.24.2}"

# ---------------------------------------------------------------- logging
log()  { printf '[services] %s\n' "$*" >&2; }
warn() { printf '[services] WARNING: %s\n' "$*" >&2; }
die()  { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# The one-line summary printed by `up` for each service (stdout).
report_ready() { printf '%-9s %-6s %s\n' "$1" ready "$2"; }

# Print the tail of a log file to stderr (used when a service fails).
show_log_tail() {
  local file=$1 lines=${2:-40}
  if [[ -f $file ]]; then
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2 || true
    printf -- '-----\n' >&2
  else
    printf -- '(no log file at %s)\n' "$file" >&2
  fi
}

# fail_with_log NAME LOGFILE MESSAGE: print message + log tail, exit 1.
fail_with_log() {
  printf '[services] ERROR: %s: %s\n' "$1" "$3" >&2
  show_log_tail "$2"
  exit 1
}

# --------------------------------------------------------------- process
# read_pid PIDFILE: print the pid stored in PIDFILE (first line), if any.
read_pid() {
  local f=$1 pid
  [[ -f $f ]] || return 1
  read -r pid <"$f" || true
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$pid"
}

# pid_alive PIDFILE [CMDLINE_SUBSTRING]: true if the pid in PIDFILE is a
# running process (and its command line contains the substring, which guards
# against a recycled pid belonging to something else).
pid_alive() {
  local f=$1 want=${2:-} pid cmd
  pid=$(read_pid "$f") || return 1
  kill -0 "$pid" 2>/dev/null || [[ -d /proc/$pid ]] || return 1
  [[ -r /proc/$pid/stat ]] && [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && return 1
  if [[ -n $want && -r /proc/$pid/cmdline ]]; then
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmd == *"$want"* ]] || return 1
  fi
  return 0
}

# stop_pidfile NAME PIDFILE CMDLINE_SUBSTRING [SIGNAL] [TIMEOUT]: signal the
# process in PIDFILE, wait for it to exit (SIGKILL after TIMEOUT seconds) and
# remove the pid file. A stale pid file is just removed.
stop_pidfile() {
  local name=$1 f=$2 want=$3 sig=${4:-TERM} timeout=${5:-30} pid i
  if ! pid_alive "$f" "$want"; then
    rm -f "$f"
    return 0
  fi
  pid=$(read_pid "$f")
  log "stopping $name (pid $pid)"
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    pid_alive "$f" "$want" || break
    sleep 0.1
  done
  if pid_alive "$f" "$want"; then
    warn "$name (pid $pid) did not exit within ${timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      pid_alive "$f" "$want" || break
      sleep 0.1
    done
  fi
  rm -f "$f"
}

# start_daemon PIDFILE LOGFILE CMD...: run CMD detached (own session, stdin
# from /dev/null, stdout+stderr appended to LOGFILE) and record its pid.
start_daemon() {
  local pidfile=$1 logfile=$2
  shift 2
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  printf '=== %s starting: %s\n' "$(date '+%F %T')" "$*" >>"$logfile"
  setsid "$@" </dev/null >>"$logfile" 2>&1 &
  echo $! >"$pidfile"
}

# ---------------------------------------------------------------- waiting
# port_open HOST PORT: true if something accepts TCP connections there.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# wait_for_port HOST PORT TIMEOUT [PIDFILE]: wait until the port accepts
# connections; give up early if the process in PIDFILE died. Only whether it
# lives is checked, not its command line: start_daemon records the pid before
# the child has exec'd the daemon, and on a busy machine the first check can
# see the forked shell's command line (a recycled pid within the timeout is
# not a concern).
wait_for_port() {
  local host=$1 port=$2 timeout=$3 pidfile=${4:-} deadline
  deadline=$((SECONDS + timeout))
  until port_open "$host" "$port"; do
    if [[ -n $pidfile ]] && ! pid_alive "$pidfile"; then
      return 2
    fi
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# wait_until TIMEOUT CMD...: retry CMD until it succeeds or TIMEOUT seconds pass.
wait_until() {
  local timeout=$1 deadline
  shift
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.3
  done
}

# port_busy_check NAME PORT PIDFILE: refuse to start when a foreign process
# already listens on our port (it would make the readiness checks lie).
port_busy_check() {
  if port_open 127.0.0.1 "$2"; then
    die "$1: port $2 on 127.0.0.1 is already in use by another process (not started by these scripts: no live pid file at $3). Stop it or set a different port env var."
  fi
}

# ------------------------------------------------------------- installing
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# missing_debs PKG...: print the packages that are not installed.
missing_debs() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$p"
  done
}

apt_lists_empty() {
  ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

# apt_install PKG...: install missing Debian packages. `apt-get update` runs
# only when the package lists are empty or the first install attempt fails.
# Package maintainer scripts are kept from starting system-wide daemons
# (nginx on :80, redis on :6379, ...) with a temporary policy-rc.d.
apt_install() {
  local missing=() policy=/usr/sbin/policy-rc.d made_policy=0 rc=0 out
  mapfile -t missing < <(missing_debs "$@")
  ((${#missing[@]})) || return 0
  log "installing Debian packages: ${missing[*]}"
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  out=$(mktemp)
  if apt_lists_empty; then
    as_root apt-get update -qq >"$out" 2>&1 || { cat "$out" >&2; }
  fi
  if ! as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$out" 2>&1; then
    log "apt-get install failed; running apt-get update and retrying"
    as_root apt-get update -qq >>"$out" 2>&1 || true
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$out" 2>&1 || rc=$?
  fi
  ((made_policy)) && as_root rm -f "$policy"
  if ((rc)); then
    tail -n 30 "$out" >&2
    rm -f "$out"
    die "apt-get install ${missing[*]} failed"
  fi
  rm -f "$out"
}

# render_template IN OUT VAR...: substitute only the named ${VAR}s (so nginx's
# own $variables are left alone), like the nginx docker image does.
render_template() {
  local in=$1 out=$2 vars="" v
  shift 2
  for v in "$@"; do vars+="\${$v} "; done
  command -v envsubst >/dev/null 2>&1 || apt_install gettext-base
  mkdir -p "$(dirname "$out")"
  envsubst "$vars" <"$in" >"$out.tmp"
  mv -f "$out.tmp" "$out"
}

# short_hash STRING: 8 hex chars, used to build unique short paths.
short_hash() { printf '%s' "$1" | cksum | awk '{printf "%08x\n", $1}'; }

# ------------------------------------------------------- service dispatch
# Each scripts/services/svc/<name>.sh sets SVC_NAME, SVC_DEBS (Debian
# packages it needs) and defines svc_install, svc_running, svc_start,
# svc_wait_ready, svc_stop, svc_purge and svc_url, then calls svc_main "$@".
svc_main() {
  local cmd=${1:-up}
  case $cmd in
    packages) ((${#SVC_DEBS[@]} == 0)) || printf '%s\n' "${SVC_DEBS[@]}" ;;
    install) svc_install ;;
    up)
      svc_install
      if ! svc_running; then
        svc_start
      fi
      svc_wait_ready
      report_ready "$SVC_NAME" "$(svc_url)"
      ;;
    down | stop) svc_stop ;;
    purge) svc_stop && svc_purge ;;
    status)
      if svc_running; then
        printf '%-9s %-8s %s\n' "$SVC_NAME" running "$(svc_url)"
      else
        printf '%-9s %-8s\n' "$SVC_NAME" stopped
        return 3
      fi
      ;;
    url) svc_url ;;
    *) die "$SVC_NAME: unknown command '$cmd' (packages|install|up|down|purge|status|url)" ;;
  esac
}

# canonical_service NAME: map aliases to the service names used by the scripts.
canonical_service() {
  case $1 in
    postgres | postgresql | pg) echo postgres ;;
    redis) echo redis ;;
    kafka) echo kafka ;;
    mongo | mongodb | ferretdb) echo mongo ;;
    nginx) echo nginx ;;
    *) return 1 ;;
  esac
}

# take_lock: serialize up/down runs (fd 9; children get it closed with 9>&-
# so daemons never inherit the lock).
take_lock() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  flock -w "${SERVICES_LOCK_TIMEOUT:-1800}" 9 || die "could not lock $STATE_DIR/.lock (another up/down is running?)"
}
