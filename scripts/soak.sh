#!/usr/bin/env bash
# Soak test (make soak; not part of make test): the server under a steady
# live load for a long time, its memory and goroutines sampled, failing if
# they grow.
#
#   bin serve (SQLite in a fresh directory, or SOAK_DATABASE_URL) with the
#   profiler on a loopback port; `backchannel bench live` with
#   SOAK_SUBSCRIBERS JSON event streams and posters offering SOAK_RATE
#   messages a second for SOAK_DURATION; every SOAK_INTERVAL seconds the
#   server's resident memory (/proc), heap in use and goroutines (pprof).
#
# Verdict: the first fifth of the samples is warm-up (the database's caches
# and the server's pools filling). Of the rest, the median of the last
# quarter is compared with the median of the first quarter: goroutines may
# grow by at most SOAK_MAX_GOROUTINE_GROWTH, resident memory and heap in use
# by at most SOAK_MAX_GROWTH_PCT percent plus SOAK_MAX_GROWTH_MIB MiB.
#
# Overrides (defaults): SOAK_DURATION (10m), SOAK_RATE (300),
# SOAK_SUBSCRIBERS (500), SOAK_POSTERS (32: enough posts in flight for the rate), SOAK_INTERVAL (10),
# SOAK_MAX_GOROUTINE_GROWTH (50), SOAK_MAX_GROWTH_PCT (25),
# SOAK_MAX_GROWTH_MIB (32), SOAK_DATABASE_URL (SQLite), SOAK_OUT (a temp dir:
# samples.tsv, bench.txt, server.log).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

duration="${SOAK_DURATION:-10m}"
rate="${SOAK_RATE:-300}"
subscribers="${SOAK_SUBSCRIBERS:-500}"
posters="${SOAK_POSTERS:-32}"
interval="${SOAK_INTERVAL:-10}"
max_gr="${SOAK_MAX_GOROUTINE_GROWTH:-50}"
max_pct="${SOAK_MAX_GROWTH_PCT:-25}"
max_mib="${SOAK_MAX_GROWTH_MIB:-32}"
out="${SOAK_OUT:-$(mktemp -d /tmp/backchannel-soak.XXXXXX)}"
mkdir -p "$out"

free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
# on_core CORE CMD... &: run CMD pinned to a core when taskset is there
# (server and load apart), in place of the background subshell, so that $!
# is CMD's pid. Only ever run in the background.
on_core() {
	local core="$1"
	shift
	if command -v taskset >/dev/null 2>&1 && [[ "$(nproc)" -ge 2 ]]; then
		exec taskset -c "$core" "$@"
	fi
	exec "$@"
}

echo "==> go build" >&2
go build -o "$out/backchannel" ./cmd/backchannel

data="$out/data"
mkdir -p "$data"
export BACKCHANNEL_DATA_DIR="$data" BACKCHANNEL_LOG_LEVEL=warn
if [[ -n "${SOAK_DATABASE_URL:-}" ]]; then
	export BACKCHANNEL_DATABASE_URL="$SOAK_DATABASE_URL"
fi
port="$(free_port)"
dport="$(free_port)"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

BACKCHANNEL_DEBUG_ADDR="127.0.0.1:$dport" on_core 0 "$out/backchannel" serve --addr "127.0.0.1:$port" >"$out/server.log" 2>&1 &
server=$!
bench=""
cleanup() {
	if [[ -n "$bench" ]]; then kill "$bench" 2>/dev/null || true; fi
	kill "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
}
trap cleanup EXIT
for ((i = 0; i < 300; i++)); do
	curl -fsS -m 2 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	kill -0 "$server" 2>/dev/null || { cat "$out/server.log" >&2; exit 1; }
	sleep 0.1
done

echo "==> bench live: $subscribers streams, $rate msgs/s offered, $duration (output in $out)" >&2
on_core 1 "$out/backchannel" bench live --url "http://127.0.0.1:$port" --server-pid "$server" \
	--subscribers "$subscribers" --posters "$posters" --rate "$rate" --duration "$duration" --drain 15s \
	>"$out/bench.txt" 2>&1 &
bench=$!

sample() { # prints: seconds rss_kib heap_inuse_kib goroutines
	local rss heap gr
	rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$server/status" 2>/dev/null || echo 0)"
	heap="$(curl -fsS -m 10 "http://127.0.0.1:$dport/debug/pprof/heap?debug=1" 2>/dev/null |
		awk '/^# HeapInuse = / {print int($4 / 1024)}')"
	gr="$(curl -fsS -m 10 "http://127.0.0.1:$dport/debug/pprof/goroutine?debug=1" 2>/dev/null |
		awk 'NR == 1 {print $4}')"
	echo "$SECONDS ${rss:-0} ${heap:-0} ${gr:-0}"
}
# Samples cover the posting only: from the moment every stream is open (the
# tool says so) for the duration, not the opening nor the drain.
seconds_of() { # a Go duration of h, m and s (10m, 1m30s, 90s) in seconds
	awk -v d="$1" 'BEGIN { t = 0; while (match(d, /^[0-9.]+[hms]/)) { v = substr(d, 1, RLENGTH - 1); u = substr(d, RLENGTH, 1);
		t += v * (u == "h" ? 3600 : u == "m" ? 60 : 1); d = substr(d, RLENGTH + 1) } if (d != "") exit 1; print int(t) }'
}
posting="$(seconds_of "$duration")" || { echo "soak: SOAK_DURATION=$duration: say e.g. 10m, 2m or 90s" >&2; exit 2; }
until grep -q "streams open" "$out/bench.txt" 2>/dev/null; do
	kill -0 "$bench" 2>/dev/null || break
	sleep 0.2
done
SECONDS=0
echo "seconds rss_kib heap_inuse_kib goroutines" | tee "$out/samples.tsv"
while kill -0 "$bench" 2>/dev/null && ((SECONDS + interval <= posting)); do
	sleep "$interval"
	sample | tee -a "$out/samples.tsv"
done
status=0
wait "$bench" || status=$?
bench=""
cat "$out/bench.txt"
if [[ "$status" != 0 ]]; then
	echo "soak: bench live failed (exit $status)" >&2
	exit 1
fi
kill -0 "$server" 2>/dev/null || { echo "soak: the server died" >&2; tail -n 30 "$out/server.log" >&2; exit 1; }

# The verdict.
awk -v max_gr="$max_gr" -v max_pct="$max_pct" -v max_mib="$max_mib" '
function median(a, from, to,    n, i, j, t, b) {
	n = 0
	for (i = from; i <= to; i++) b[++n] = a[i]
	for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
	return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
}
NR > 1 { n++; rss[n] = $2; heap[n] = $3; gr[n] = $4 }
END {
	if (n < 5) { print "soak: too few samples (" n "): run longer or sample more often"; exit 1 }
	w = int(n / 5); m = n - w; q = int(m / 4); if (q < 1) q = 1
	a = w + 1; b = w + q; c = n - q + 1
	fail = 0
	split("rss heap goroutines", names, " ")
	for (k = 1; k <= 3; k++) {
		if (k == 1) { first = median(rss, a, b); last = median(rss, c, n) }
		if (k == 2) { first = median(heap, a, b); last = median(heap, c, n) }
		if (k == 3) { first = median(gr, a, b); last = median(gr, c, n) }
		if (k < 3) {
			bound = first * (1 + max_pct / 100) + max_mib * 1024
			printf "soak: %-10s first quarter %7.1f MiB, last quarter %7.1f MiB (bound %.1f MiB)\n", names[k], first / 1024, last / 1024, bound / 1024
		} else {
			bound = first + max_gr
			printf "soak: %-10s first quarter %7d, last quarter %7d (bound %d)\n", names[k], first, last, bound
		}
		if (last > bound) { printf "soak: FAIL: %s grew beyond its bound\n", names[k]; fail = 1 }
	}
	printf "soak: %d samples, %d of them warm-up\n", n, w
	if (!fail) print "soak: memory and goroutines flat: PASS"
	exit fail
}' "$out/samples.tsv"
