# The iamport-mock image: `docker build -t iamport-mock .` then `docker run -p 8080:8080 -v iamport-data:/data iamport-mock`.
# Stages: deps (production node_modules; better-sqlite3 compiled here with python3/make/g++),
# build (TypeScript -> dist/, the dashboard -> dist/ui), runtime (no compiler, no dev dependencies, runs as `node`).
ARG BASE=node:22-bookworm-slim

# ---------------------------------------------------------------- deps: production dependencies, compiled
FROM ${BASE} AS deps
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# node-gyp builds against these headers instead of downloading them. The official node images ship them in
# /usr/local/include/node; an image without them gets them from the npm registry's node-linux-<arch> package
# of the exact same Node version.
RUN set -eu; \
    if [ ! -f /usr/local/include/node/node_version.h ]; then \
      cd /tmp; \
      tgz=$(npm pack --silent "node-linux-$(node -p process.arch)@$(node -p process.versions.node)" | tail -n 1); \
      tar -xzf "$tgz" -C /usr/local --strip-components=1 package/include; \
      rm -rf "$tgz" /root/.npm/_logs; \
    fi
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the project's own `prepare` (it builds dist/, which the build stage does) must not run here;
# better-sqlite3's install script then runs by itself (npm rebuild). Keep only its compiled addon (its sources,
# objects and static library are build leftovers), then prove that it loads.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node /tmp/ \
 && rm -rf build deps src \
 && mkdir -p build/Release && mv /tmp/better_sqlite3.node build/Release/ \
 && cd /app \
 && node -e "const D=require('better-sqlite3'); const db=new D(':memory:'); console.log('better-sqlite3 loads: sqlite', db.prepare('select sqlite_version() v').get().v); db.close()" \
 && npm cache clean --force

# ---------------------------------------------------------------- build: TypeScript -> dist/
FROM ${BASE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# tsc needs no native module: skip install scripts (no compiler in this stage).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY ui ./ui
# The bundle step parses and checks the default fixtures once, so a server started with them skips YAML.
COPY fixtures ./fixtures
COPY scripts/compile-schemas.mjs scripts/bundle.mjs scripts/bundle-ui.mjs ./scripts/
# The schema compiler starts the built server once (in memory): it needs SQLite's addon, built in the deps stage.
COPY --from=deps /app/node_modules/better-sqlite3/build ./node_modules/better-sqlite3/build
RUN npm run build

# ---------------------------------------------------------------- runtime
FROM ${BASE} AS runtime
ENV NODE_ENV=production \
    IAMPORT_MOCK_HOST=0.0.0.0 \
    IAMPORT_MOCK_PORT=8080 \
    IAMPORT_MOCK_HTTPS_PORT=443 \
    IAMPORT_MOCK_DB=/data/iamport.db
WORKDIR /app
# The application stays owned by root (read-only to the server); only /data is the node user's.
COPY package.json ./
COPY fixtures ./fixtures
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data \
 && node -e "require('better-sqlite3')(':memory:').close()"
VOLUME /data
USER node
# 443: HTTPS with the local CA's certificate (kept in /data/tls). The server is not root: binding 443 relies on
# net.ipv4.ip_unprivileged_port_start=0, which Docker 20.10+ sets in every container (elsewhere pass
# --sysctl net.ipv4.ip_unprivileged_port_start=0, or set IAMPORT_MOCK_HTTPS_PORT=8443).
EXPOSE 8080 443
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.IAMPORT_MOCK_PORT||8080)+'/__mock/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself (the CLI closes the server and the database, then exits 0).
# A 4 MB young generation (V8's default grows to 16 MB): peak RSS ~20 MB lower, same throughput (README,
# Performance); npm start runs the server the same way.
ENTRYPOINT ["node", "--max-semi-space-size=4", "dist/cli.bundle.js"]
CMD ["start"]
