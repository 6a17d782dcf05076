#!/usr/bin/env bash
# docker/check.sh — the container check CI runs: builds the Dockerfile and runs the image (the health endpoint
# answers, the HEALTHCHECK turns healthy, so the server bound 443 as user node too), then brings
# docker/docker-compose.yml up (the mock becomes healthy, smoke runs getToken -> billing key -> again -> webhook
# and exits 0; merchant-app calls https://api.iamport.kr, the mock's network alias, trusting its CA from the shared
# volume, runs a flow and exits 0) and down again; then runs the README's Testcontainers recipe (GenericContainer on
# the image just built, Wait.forHealthCheck(), the typed client from the packed tarball) on the same engine, which
# is kept running for it and stopped afterwards if this run started it.
# It drives ../shared/tools/container-check.sh (Debian's Docker engine, started privately, and a locally built
# stand-in for the node base image; needs root). Where that tool is absent it prints SKIP and exits 0.
# Extra arguments go to container-check.sh, e.g. `docker/check.sh --keep-daemon` (faster next run).
# Output: container-check's PASS/FAIL/SKIP/INFO lines, then one "docker check: PASS|FAIL ..." line; exit 0 on PASS.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# CONTAINER_CHECK: the tool elsewhere (a git worktree has no ../shared beside it).
TOOL=${CONTAINER_CHECK:-$HERE/../../shared/tools/container-check.sh}

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
scratch=$(mktemp -d)
trap 'stop_engine; rm -rf "$log" "$scratch"' EXIT
start=$(date +%s)

# The Testcontainers recipe needs the engine after container-check is done: keep it, and stop it at the end
# unless it was running before or the caller asked to keep it.
SOCK=/run/container-check/docker.sock
keep=0
for a in "$@"; do [ "$a" = --keep-daemon ] && keep=1; done
was_running=0
[ -S "$SOCK" ] && DOCKER_HOST=unix://$SOCK /usr/bin/docker info >/dev/null 2>&1 && was_running=1
stop_engine() {
  if [ "$keep" = 0 ] && [ "$was_running" = 0 ] && [ -s /run/container-check/dockerd.pid ]; then
    local pid; pid=$(cat /run/container-check/dockerd.pid)
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
}

bash "$TOOL" --timeout 150 --expect '"status":"ok"' --keep-daemon "$@" "$ROOT" /__mock/health 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# The image container-check built and ran (its tag comes from the project folder's name, as the tool names it).
tag=$(basename "$ROOT" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' '-' | sed 's/^-*//;s/-*$//')
IMAGE=localhost/cc-${tag:-proj}:test
testcontainers_recipe() {
  local s; s=$(date +%s)
  if ! DOCKER_HOST=unix://$SOCK /usr/bin/docker image inspect "$IMAGE" >/dev/null 2>&1; then
    echo "FAIL testcontainers recipe: image $IMAGE not found"; return
  fi
  [ -f "$ROOT/dist/client/index.js" ] || (cd "$ROOT" && npm run build >"$scratch/build.log" 2>&1) \
    || { echo "FAIL testcontainers recipe: npm run build"; tail -n 20 "$scratch/build.log"; return; }
  local tgz
  tgz=$(cd "$ROOT" && npm pack --silent --pack-destination "$scratch" 2>"$scratch/pack.log" | tail -n 1)
  [ -f "$scratch/$tgz" ] || { echo "FAIL testcontainers recipe: npm pack"; tail -n 20 "$scratch/pack.log"; return; }
  echo '{"name":"recipe","version":"1.0.0","private":true,"type":"module"}' >"$scratch/package.json"
  # --ignore-scripts: the client subpath needs no SQLite addon. testcontainers 11: version 12 needs Node 22.
  if ! (cd "$scratch" && npm install "./$tgz" 'testcontainers@^11' --ignore-scripts --prefer-offline --no-audit \
        --no-fund --loglevel error) >"$scratch/install.log" 2>&1; then
    if grep -Eq 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|ENOTCACHED' "$scratch/install.log"; then
      echo "SKIP testcontainers recipe: !!! the npm registry is unreachable, the recipe was NOT run !!!"
      return
    fi
    echo "FAIL testcontainers recipe: npm install"; tail -n 20 "$scratch/install.log"; return
  fi
  node "$ROOT/scripts/recipes.mjs" "$scratch" testcontainers/ >/dev/null \
    || { echo "FAIL testcontainers recipe: no README recipe"; return; }
  # The ryuk reaper image cannot be pulled here; the recipe stops its container itself.
  (cd "$scratch/testcontainers" && DOCKER_HOST=unix://$SOCK TESTCONTAINERS_RYUK_DISABLED=true MOCK_IMAGE=$IMAGE \
    timeout 300 node --test container.test.mjs) >"$scratch/recipe.log" 2>&1
  local rc=$?
  if [ "$rc" -eq 0 ] && grep -q '^# pass 1$' "$scratch/recipe.log" && grep -q '^# fail 0$' "$scratch/recipe.log"; then
    echo "PASS testcontainers recipe: GenericContainer $IMAGE, Wait.forHealthCheck()," \
      "1 test passed ($(( $(date +%s) - s )) s)"
  else
    echo "FAIL testcontainers recipe (exit $rc)"; tail -n 40 "$scratch/recipe.log" | sed 's/^/    | /'
  fi
}
single=1 compose=1
for a in "$@"; do
  case "$a" in --no-single) single=0;; --no-compose) compose=0;; esac
done
# Whenever the image was built, whatever became of the compose stack.
if [ "$single" = 1 ] && grep -q '^PASS build ' "$log"; then
  testcontainers_recipe 2>&1 | tee -a "$log"
fi
took=$(( $(date +%s) - start ))

# container-check passes a compose service that exited 0 and one still running alike; smoke-passed (which starts
# only after smoke and merchant-app exited 0) makes `compose up` wait for both, so by then they must show exited 0.
want=()
[ "$single" = 1 ] && want+=(
  '^PASS build '
  '^PASS run: GET .*/__mock/health -> 200'
  '^PASS Dockerfile HEALTHCHECK: healthy'
  '^(PASS|SKIP) testcontainers recipe'
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
  echo "docker check: PASS — $([ "$single" = 1 ] && echo 'image healthy, Testcontainers recipe, ')$([ "$compose" = 1 ] && echo 'compose stack healthy, smoke and merchant-app (https://api.iamport.kr) exited 0, ')${took} s"
  exit 0
fi
[ "$status" -ne 0 ] && echo "docker check: container-check.sh exited $status"
for m in "${missing[@]}"; do echo "docker check: no line matching /$m/"; done
[ "$compose" = 1 ] && echo "docker check: the smoke test's own output: docker compose -f docker/docker-compose.yml up --build --exit-code-from smoke"
echo "docker check: FAIL (${took} s)"
exit 1
