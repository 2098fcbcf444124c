#!/usr/bin/env bash
# Full test run (used by `make test` and .ci/run):
#   1. gofmt, go vet, templ freshness
#   2. Chromium, Meilisearch and PostgreSQL for the integration tests
#      (see scripts/services.sh for the environment-variable contract)
#   3. go test, then go test -race on the concurrent packages, then a short
#      run of every fuzz target; the exit status is non-zero when any failed.
# Overrides: TEST_PKGS (default ./...), TEST_FLAGS (extra go test flags),
# RACE_PKGS (the -race run's packages), RACE=0 (no -race run), FUZZ_TIME (per
# fuzz target; 0: no fuzzing),
# and any BACKCHANNEL_TEST_* variable already set (that service is reused).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/services.sh
source scripts/services.sh

if [[ -v CI ]]; then export CI; fi

step() { echo "==> $*" >&2; }

# Assets that the Go code may embed.
if [[ ! -f static/vendor/htmx.min.js || ! -f static/vendor/hx-sse.js ]]; then
	step "make vendor"
	make --no-print-directory vendor
fi

# ---------------------------------------------------------------- checks

step "gofmt"
unformatted="$(find . -path ./node_modules -prune -o -path ./.git -prune -o -name '*.go' -print0 | xargs -0 -r gofmt -l)"
if [[ -n "$unformatted" ]]; then
	echo "gofmt: these files need formatting (run make fmt):" >&2
	echo "$unformatted" >&2
	exit 1
fi

step "go vet"
go vet ./...

step "templ freshness"
templ_snapshot() {
	find . -path ./node_modules -prune -o -path ./.git -prune -o -name '*_templ.go' -print0 |
		sort -z | xargs -0 -r sha256sum
}
before="$(templ_snapshot)"
go tool templ generate
after="$(templ_snapshot)"
if [[ "$before" != "$after" ]]; then
	echo "templ: generated files were stale:" >&2
	diff <(echo "$before") <(echo "$after") >&2 || true
	echo "run make generate and commit" >&2
	exit 1
fi
# In CI (a clean checkout) every generated file must also be committed.
if [[ "${CI:-}" == "true" ]] && git rev-parse --git-dir >/dev/null 2>&1; then
	changed="$(git status --porcelain -- '*_templ.go')"
	if [[ -n "$changed" ]]; then
		echo "templ: generated files differ from the commit:" >&2
		echo "$changed" >&2
		echo "run make generate and commit" >&2
		exit 1
	fi
fi

# ---------------------------------------------------------------- services

BC_STATE_DIR="$(bc_new_state_dir)"
trap 'bc_services_stop "$BC_STATE_DIR"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
bc_watchdog "$BC_STATE_DIR" "$$"

step "services"
bc_services_start "$BC_STATE_DIR"

# ---------------------------------------------------------------- tests

pkgs="${TEST_PKGS:-./...}"
step "go test ${TEST_FLAGS:-} $pkgs"
# go test runs in its own process group, so that on INT/TERM the script can
# stop it (and the test binaries) at once and then stop the services; the
# watchdog kills that group too if this script is killed outright.
set -m
# shellcheck disable=SC2086 # TEST_FLAGS and TEST_PKGS are word lists
go test -count=1 -timeout 20m ${TEST_FLAGS:-} $pkgs </dev/null &
test_pid=$!
set +m
echo "$test_pid" >>"$BC_STATE_DIR/pgids"
stop_tests() {
	local i
	kill -"$1" -- "-$test_pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 -- "-$test_pid" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -KILL -- "-$test_pid" 2>/dev/null || true
}
trap 'stop_tests INT; exit 130' INT
trap 'stop_tests TERM; exit 143' TERM
status=0
wait "$test_pid" || status=$?

# ---------------------------------------------------------------- race
# The packages where goroutines meet run again under the race detector:
# RACE_PKGS (default below; RACE=0 skips this step). The browser tests
# (TestBrowser*) are left out of it: Chromium, not Go, is their slow part,
# and their server code is the one the HTTP tests already run under -race.
if [[ "$status" == 0 && "${RACE:-1}" != 0 ]]; then
	race_pkgs="${RACE_PKGS:-./live ./policies ./chat ./inbox ./handlers}"
	step "go test -race $race_pkgs (without TestBrowser*)"
	set -m
	# shellcheck disable=SC2086 # TEST_FLAGS and RACE_PKGS are word lists
	go test -count=1 -timeout 30m -race -skip '^TestBrowser' ${TEST_FLAGS:-} $race_pkgs </dev/null &
	test_pid=$!
	set +m
	echo "$test_pid" >>"$BC_STATE_DIR/pgids"
	wait "$test_pid" || status=$?
fi

# ---------------------------------------------------------------- fuzzing
# A short run of every fuzz target (3 s each, under a minute in all with the builds);
# FUZZ_TIME overrides the time per target, FUZZ_TIME=0 skips the block. A
# failing input is written under the package's testdata/fuzz: commit it as
# a seed with the fix.
fuzz_time="${FUZZ_TIME:-3s}"
if [[ "$status" == 0 && "$fuzz_time" != 0 ]]; then
	for target in search:FuzzParse handlers/web:FuzzRenderGuideline handlers/web:FuzzDecodeJSON \
		wordfilter:FuzzParseCSV wordfilter:FuzzCheck wordfilter:FuzzSelfMatch; do
		step "fuzz ${target#*:} ($fuzz_time)"
		if ! go test "./${target%%:*}" -run '^$' -fuzz "^${target#*:}\$" -fuzztime "$fuzz_time" </dev/null; then
			# A failure counts when its input reproduces: a crasher is written
			# to testdata/fuzz, which this run replays; a fuzzing worker that
			# merely stalled on a loaded machine writes nothing.
			go test "./${target%%:*}" -count=1 -run "^${target#*:}\$" </dev/null || status=$?
		fi
	done
fi
exit "$status"
