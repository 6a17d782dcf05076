#!/usr/bin/env node
// The `iamport-mock` command: start (default), --help, --version.

import { parseArgs } from 'node:util';
import { ConfigError, flagsToInput, optionsHelp, parseArgsOptions } from './config.js';
import { FixtureError } from './fixtures.js';
import { startMockServer } from './server.js';
import { VERSION } from './version.js';

const USAGE = `iamport-mock ${VERSION} — a stateful mock of PortOne (iamport) V1 REST API

Usage:
  iamport-mock [start] [options]   start the server (the default command)
  iamport-mock --help              this help
  iamport-mock --version           the version

Options (flag, environment variable, meaning):
${optionsHelp()}
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...parseArgsOptions(), help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command = 'start', ...rest] = positionals;
  if (command !== 'start') throw new UsageError(`unknown command "${command}"`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);

  const server = await startMockServer(flagsToInput(values), { cli: true });
  server.app.log.info(`iamport-mock ${VERSION} listening on ${server.url} (database ${server.config.db})`);
  if (server.config.logLevel === 'silent') process.stdout.write(`iamport-mock listening on ${server.url}\n`);

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
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`iamport-mock: ${e.message}\nRun "iamport-mock --help" for usage.\n`);
      process.exit(2);
    }
    if (e instanceof ConfigError || e instanceof FixtureError) {
      process.stderr.write(`iamport-mock: ${e.message}\n`);
      process.exit(2);
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      process.stderr.write(`iamport-mock: cannot listen: ${err.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`iamport-mock: ${err.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
