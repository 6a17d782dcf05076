#!/usr/bin/env bash
# docker/check.sh — the container check CI runs: builds the Dockerfile and runs the image (the health endpoint
# answers, the HEALTHCHECK turns healthy, so the server bound 443 as user node too), then brings
# docker/docker-compose.yml up (the mock becomes healthy, smoke runs getToken -> billing key -> again -> webhook
# and exits 0; merchant-app calls https://api.iamport.kr, the mock's network alias, trusting its CA from the shared
# volume, runs a flow and exits 0) and down again.
# It drives ../shared/tools/container-check.sh (Debian's Docker engine, started privately, and a locally built
# stand-in for the node base image; needs root). Where that tool is absent it prints SKIP and exits 0.
# Extra arguments go to container-check.sh, e.g. `docker/check.sh --keep-daemon` (faster next run).
# Output: container-check's PASS/FAIL/SKIP/INFO lines, then one "docker check: PASS|FAIL ..." line; exit 0 on PASS.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
TOOL=$HERE/../../shared/tools/container-check.sh

if [ ! -f "$TOOL" ]; then
  echo "SKIP docker check: $TOOL not found (the container check needs ../shared/tools beside the repository)"
  exit 0
fi

# The compose file publishes the mock on IAMPORT_MOCK_HOST_PORT (default 8080): use a free port so a busy 8080
# cannot fail the check.
if [ -z "${IAMPORT_MOCK_HOST_PORT:-}" ]; then
  IAMPORT_MOCK_HOST_PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  export IAMPORT_MOCK_HOST_PORT
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
bash "$TOOL" --timeout 150 --expect '"status":"ok"' "$@" "$ROOT" /__mock/health 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
took=$(( $(date +%s) - start ))

# container-check passes a compose service that exited 0 and one still running alike; smoke-passed (which starts
# only after smoke and merchant-app exited 0) makes `compose up` wait for both, so by then they must show exited 0.
single=1 compose=1
for a in "$@"; do
  case "$a" in --no-single) single=0;; --no-compose) compose=0;; esac
done
want=()
[ "$single" = 1 ] && want+=(
  '^PASS build '
  '^PASS run: GET .*/__mock/health -> 200'
  '^PASS Dockerfile HEALTHCHECK: healthy'
)
[ "$compose" = 1 ] && want+=(
  '^PASS compose up '
  '^PASS compose: service iamport-mock healthy'
  '^PASS compose: service webhook-receiver healthy'
  '^INFO compose: service smoke exited 0$'
  '^INFO compose: service merchant-app exited 0$'
)
missing=()
for w in "${want[@]}"; do
  grep -Eq "$w" "$log" || missing+=("$w")
done

if [ "$status" -eq 0 ] && [ ${#missing[@]} -eq 0 ]; then
  echo "docker check: PASS — $([ "$single" = 1 ] && echo 'image healthy, ')$([ "$compose" = 1 ] && echo 'compose stack healthy, smoke and merchant-app (https://api.iamport.kr) exited 0, ')${took} s"
  exit 0
fi
[ "$status" -ne 0 ] && echo "docker check: container-check.sh exited $status"
for m in "${missing[@]}"; do echo "docker check: no line matching /$m/"; done
[ "$compose" = 1 ] && echo "docker check: the smoke test's own output: docker compose -f docker/docker-compose.yml up --build --exit-code-from smoke"
echo "docker check: FAIL (${took} s)"
exit 1
