#!/usr/bin/env node
// The `iamport-mock` command: start (default), seed, export, openapi; --help for each, --version.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  OPTIONS,
  flagsToInput,
  optionsHelp,
  parseArgsOptions,
  resolveConfig,
  type Config,
} from './config.js';
import { startupBanner } from './banner.js';
import { FixtureError, countItems, readFixtures } from './control/fixtures/parse.js';
import { ServerKeyError } from './store/server-key.js';
import { startMockServer } from './server.js';
import { createServices, type Services } from './services.js';
import { Store } from './store/index.js';
import { VERSION } from './version.js';
import { CA_SUBCOMMANDS, TLS_FLAGS, caCommand, tlsBannerRows } from './tls/ca-command.js';

const HEADER = `iamport-mock ${VERSION} — a stateful mock of PortOne (iamport) V1 REST API`;

interface Command {
  usage: string;
  about: string;
  /** The server options (config flags) the command reads; `all` for start. */
  serverFlags: readonly string[] | 'all';
  /** Its own options: flag name → [the flag as shown, what it does]. */
  own?: Readonly<Record<string, readonly [string, string]>>;
}

const COMMANDS: Record<string, Command> = {
  start: {
    usage: 'iamport-mock [start] [options]',
    about: 'Start the server (the default command). Stops cleanly on SIGTERM and SIGINT.',
    serverFlags: 'all',
  },
  seed: {
    usage: 'iamport-mock seed <fixtures.yaml> [--db FILE] [--card-mask PATTERN]',
    about: 'Load a fixtures file into a database file (merchants, settings, keys, payments, schedules), then exit.',
    serverFlags: ['db', 'card-mask'],
  },
  export: {
    usage: 'iamport-mock export [--db FILE] [--imp-key KEY] [--out FILE]',
    about: 'Write the state of a database file as fixtures YAML (to stdout, or --out). Secrets are never exported.',
    serverFlags: ['db'],
    own: { 'imp-key': ['--imp-key KEY', 'only this merchant'], out: ['--out FILE', 'write to FILE (folders created)'] },
  },
  openapi: {
    usage: 'iamport-mock openapi [--out FILE]',
    about: 'Print the OpenAPI document of every route (YAML).',
    serverFlags: [],
    own: { out: ['--out FILE', 'write to FILE instead of stdout (folders created)'] },
  },
  ca: {
    usage: 'iamport-mock ca init|cert [--out FILE]',
    about:
      'init: create (or check) the local CA and the server certificate in the TLS folder; ' +
      'cert: print the CA certificate your clients must trust (test environments only).',
    serverFlags: TLS_FLAGS,
    own: { out: ['--out FILE', '(ca cert) write to FILE instead of stdout (folders created)'] },
  },
};

/** The options a command accepts, as `--flag` names (besides --help and --version). */
function accepted(c: Command): string[] {
  const server = c.serverFlags === 'all' ? OPTIONS.map((o) => o.flag) : c.serverFlags;
  return [...server, ...Object.keys(c.own ?? {})].map((f) => `--${f}`);
}

function help(command?: string): string {
  const c = command ? COMMANDS[command] : undefined;
  if (c) {
    const flags = c.serverFlags === 'all' ? undefined : c.serverFlags;
    const lines = [
      ...Object.values(c.own ?? {}).map(([shown, what]) => `  ${shown.padEnd(20)} ${'(flag only)'.padEnd(30)} ${what}`),
      ...(flags?.length === 0 ? [] : [optionsHelp(flags)]),
    ];
    const options = lines.length
      ? `Options (flag, environment variable, meaning):\n${lines.join('\n')}\n\n`
      : 'It takes no options.\n\n';
    return `${HEADER}\n\nUsage: ${c.usage}\n\n${c.about}\n\n${options}`;
  }
  const list = Object.values(COMMANDS)
    .map((c) => `  ${c.usage.padEnd(58)}\n      ${c.about}`)
    .join('\n');
  const usage = `Usage:\n${list}\n  iamport-mock <command> --help\n  iamport-mock --version`;
  return `${HEADER}\n\n${usage}\n\nServer options of start (flag, environment variable, meaning):\n${optionsHelp()}\n`;
}

class UsageError extends Error {}

/** mkdir -p, one level at a time (Node's recursive mkdir loops forever under /proc, where mkdir gives ENOENT). */
function makeFolders(dir: string): void {
  if (fs.existsSync(dir)) return;
  const parent = path.dirname(dir);
  if (parent !== dir) makeFolders(parent);
  fs.mkdirSync(dir);
}

/** Writes an --out file, creating its folders; a file that cannot be written is a usage mistake, not a crash. */
function writeOut(file: string, text: string): void {
  try {
    makeFolders(path.dirname(path.resolve(file)));
    fs.writeFileSync(file, text);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(`--out ${file}: cannot write (${err.code ?? err.message})`);
  }
}

/** Opens the configured database with the domain services, for the commands that do not serve HTTP. */
function withServices<T>(config: Config, fn: (services: Services) => T): T {
  const store = Store.open(config.db);
  try {
    return fn(createServices(config, store));
  } finally {
    store.close();
  }
}

/** A one-line progress bar on stderr (only when stderr is a terminal, or for large files). */
function progress(total: number): { tick: () => void; done: () => void } {
  const show = total >= 1000 || process.stderr.isTTY;
  let n = 0;
  let last = -1;
  const draw = () => {
    const pct = total === 0 ? 100 : Math.floor((n / total) * 100);
    if (pct === last) return;
    last = pct;
    const filled = Math.round(pct / 4);
    process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(25 - filled)}] ${pct}% ${n}/${total}`);
  };
  return {
    tick: () => {
      n++;
      if (show) draw();
    },
    done: () => {
      if (show) process.stderr.write('\n');
    },
  };
}

async function main(argv: string[]): Promise<number> {
  // biome-ignore lint/suspicious/noImplicitAnyLet: TypeScript types it from parseArgs's options below
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        ...parseArgsOptions(),
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        out: { type: 'string' },
        'imp-key': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const [command = 'start', ...rest] = positionals;
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (!COMMANDS[command]) throw new UsageError(`unknown command "${command}"`);
  if (values.help) {
    process.stdout.write(help(positionals.length > 0 ? command : undefined));
    return 0;
  }
  const spec = COMMANDS[command]!;
  const allowed = accepted(spec);
  const given = Object.keys(values)
    .filter((k) => k !== 'help' && k !== 'version')
    .map((k) => `--${k}`);
  const stray = given.find((f) => !allowed.includes(f));
  if (stray) {
    const takes = allowed.length ? `it takes ${allowed.join(', ')}` : 'it takes no options';
    throw new UsageError(`${stray} does not apply to "${command}" (${takes})`);
  }
  const { out, 'imp-key': impKey, help: _h, version: _v, ...serverFlags } = values;
  const input = flagsToInput(serverFlags);
  const write = (text: string) => (out ? writeOut(out, text) : process.stdout.write(text));

  switch (command) {
    case 'seed': {
      const [file, ...extra] = rest;
      if (!file) throw new UsageError('seed needs a fixtures file: iamport-mock seed <fixtures.yaml>');
      if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
      const config = resolveConfig({ ...input, fixtures: 'none' }, process.env, { cli: true });
      const fixtures = readFixtures(file);
      const bar = progress(countItems(fixtures));
      withServices(config, (services) =>
        services.fixtures.load(fixtures, { file, seedExisting: true, onItem: bar.tick }),
      );
      bar.done();
      process.stderr.write(
        `seeded ${fixtures.merchants.length} merchant(s) and ${countItems(fixtures)} item(s) into ${config.db}\n`,
      );
      return 0;
    }
    case 'export': {
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
      const config = resolveConfig({ ...input, fixtures: 'none' }, process.env, { cli: true });
      if (config.db !== ':memory:' && !fs.existsSync(config.db))
        throw new ConfigError(`${config.db}: no such database file`);
      const document = withServices(config, ({ store, fixtures }) => {
        const merchants = store.merchants.all().filter((m) => impKey === undefined || m.imp_key === impKey);
        if (impKey !== undefined && merchants.length === 0)
          throw new ConfigError(`${config.db}: no merchant with imp_key ${impKey}`);
        return fixtures.exportDocument(merchants);
      });
      // Only this command needs yaml: not loaded by `start`. Its default export (module.exports of the CommonJS
      // package): the bundle's chunk for a dynamically imported CommonJS module has no named exports.
      const { default: yaml } = await import('yaml');
      write(yaml.stringify(document));
      return 0;
    }
    case 'ca': {
      const [sub, ...extra] = rest;
      if (!sub || !(CA_SUBCOMMANDS as readonly string[]).includes(sub))
        throw new UsageError(`ca needs a sub-command: ${CA_SUBCOMMANDS.join(' or ')}`);
      if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
      if (out !== undefined && sub !== 'cert') throw new UsageError('--out applies to "ca cert" only');
      return caCommand(sub, resolveConfig({ ...input, fixtures: 'none' }, process.env, { cli: true }), write);
    }
    case 'openapi': {
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
      const { openapiYaml } = await import('./openapi.js');
      write(await openapiYaml());
      return 0;
    }
  }

  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const server = await startMockServer(input, { cli: true });
  server.app.log.info(`iamport-mock ${VERSION} listening on ${server.url} (database ${server.config.db})`);
  if (server.httpsUrl) server.app.log.info(`iamport-mock serving HTTPS on ${server.httpsUrl}`);
  // Silent: one line on stdout for scripts that wait for the URL. Otherwise a banner for the person at the
  // terminal, on stderr so that stdout stays pure JSON logs for log collectors.
  if (server.config.logLevel === 'silent') {
    process.stdout.write(`iamport-mock listening on ${server.url}\n`);
    if (server.httpsUrl) process.stdout.write(`iamport-mock serving HTTPS on ${server.httpsUrl}\n`);
  } else {
    process.stderr.write(startupBanner(server.url, server.config, server.fixtures));
    process.stderr.write(await tlsBannerRows(server));
    // Logs are buffered (pino's logger has flush(), fastify's type does not): the listening lines go out now.
    (server.app.log as unknown as { flush: () => void }).flush();
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // a second signal: stop now
    stopping = true;
    server.app.log.info(`${signal} received, shutting down`);
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`iamport-mock: error while shutting down: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return -1; // keep running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`iamport-mock: ${e.message}\nRun "iamport-mock --help" for usage.\n`);
      process.exit(2);
    }
    if (e instanceof ConfigError || e instanceof FixtureError || e instanceof ServerKeyError) {
      process.stderr.write(`iamport-mock: ${e.message}\n`);
      process.exit(2);
    }
    const err = e as NodeJS.ErrnoException & { port?: number };
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      // Ports below 1024 (443 in the Docker image) need privileges a non-root user has only by configuration.
      const low = err.code === 'EACCES' && typeof err.port === 'number' && err.port < 1024;
      const hint = low
        ? ' (ports below 1024 need root, CAP_NET_BIND_SERVICE or the sysctl net.ipv4.ip_unprivileged_port_start=0,' +
          ' which Docker 20.10+ sets in containers; or choose a port above 1023)'
        : '';
      process.stderr.write(`iamport-mock: cannot listen: ${err.message}${hint}\n`);
      process.exit(1);
    }
    process.stderr.write(`iamport-mock: ${err.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
