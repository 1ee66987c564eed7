#!/usr/bin/env bash
# The package people `npx`: pack it, install the tarball into an empty directory outside the
# repository, and run its bin there — --version, --help, and one gate against the Cargo
# emulator. Catches a `files` list that leaves something out, a bin without its shebang, and a
# bundle that still needs the repository's node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
version=$(node -p 'require("./package.json").version')

work=$(mktemp -d "${TMPDIR:-/tmp}/bcg-pack-smoke.XXXXXX")
emulator_pid=''
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "pack smoke: $*" >&2
  exit 1
}

echo "== pack"
tarball="$work/$(npm pack --silent --pack-destination "$work")"
listing=$(tar -tzf "$tarball")
for wanted in package/dist/index.js package/dist/cli/index.js package/dist/engine/index.js \
  package/dist/licenses.txt package/action.yml package/LICENSE package/README.md; do
  grep -qx "$wanted" <<<"$listing" || fail "$wanted is missing from the tarball"
done
if grep -E '^package/(src|test|scripts|bench|node_modules)/|^package/\.env' <<<"$listing"; then
  fail 'the tarball ships files that are not meant for users (above)'
fi
echo "tarball: $(basename "$tarball"), $(wc -l <<<"$listing") files"

echo "== the bundle alone, without any node_modules"
mkdir "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
alone=$(cd "$work/unpacked" && NODE_PATH='' node package/dist/cli/index.js --version)
[ "$alone" = "$version" ] || fail "unpacked bin printed '$alone', expected $version"

echo "== install the tarball into a clean directory"
mkdir "$work/consumer"
cd "$work/consumer"
echo '{ "name": "consumer", "private": true }' >package.json
npm install --no-audit --no-fund --no-package-lock --loglevel=error "$tarball"
bin="$work/consumer/node_modules/.bin/batch-cost-gate"
[ -x "$bin" ] || fail "npm did not link the batch-cost-gate bin"

printed=$("$bin" --version)
[ "$printed" = "$version" ] || fail "--version printed '$printed', expected $version"
echo "--version: $printed"

help=$("$bin" --help)
grep -q -- '--workflow-uuid' <<<"$help" || fail '--help does not list --workflow-uuid'
echo "--help: $(head -1 <<<"$help")"

echo "== a gate against the Cargo emulator"
# The emulator is test code: it runs from the repository, the package under test from $work.
log="$work/emulator.log"
(cd "$repo" && exec node --import tsx scripts/emulator.ts) >"$log" 2>&1 &
emulator_pid=$!
url=''
for _ in $(seq 1 100); do
  url=$(sed -n 's/^Cargo emulator listening at \(http[^ ]*\).*/\1/p' "$log")
  [ -n "$url" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || {
  cat "$log" >&2
  fail 'the Cargo emulator did not print its URL'
}
echo "emulator: $url (pid $emulator_pid)"

set +e
# The token goes through the environment, as a person would pass it, not the command line.
# The enrichment workflow's history varies from run to run, so its bound is a confident pass.
report=$(CARGO_API_TOKEN=cargo-emulator-admin-token "$bin" --api-url "$url" --format json \
  --workflow-uuid wf-enrich-0001-4c5d-8e9f-a0b1c2d3e4f5 --record-count 1000 --budget 20000)
code=$?
set -e
[ "$code" -eq 0 ] || fail "the gate exited $code, expected 0 (a pass)"
summary=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(`${r.decision} from ${r.estimate.source}: projected ${r.projection.projected}, upper ${r.projection.upper}`);
' <<<"$report")
echo "gate: $summary"
[ "${summary%% *}" = pass ] || fail "the gate decided '${summary%% *}', expected pass"

kill "$emulator_pid"
wait "$emulator_pid" 2>/dev/null || true
emulator_pid=''
echo "pack smoke: ok (batch-cost-gate $version from a clean install: --version, --help, a pass)"
