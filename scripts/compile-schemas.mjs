// Part of `npm run build`, after tsc and before the bundles: compiles every route's request validators and response
// serializers ahead of time, so a started server never builds an Ajv instance or compiles a schema for its own
// routes (src/http/lazy-compilers.ts loads these files on each route's first request, and compiles at run time only
// what it finds no file for: a schema changed since the build, or another route).
//
// It starts the built server once (in memory, silent) with a recorder that receives every schema fastify hands the
// compilers, generates each one's code with the standalone modes of fastify's own compilers (Ajv's standalone code;
// fast-json-stringify's, with its validators inlined so no Ajv is needed at run time either), and bundles each into
// one self-contained CommonJS file: dist/schema-code/<hash of route, schema and options>.cjs.

import { build } from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const StandaloneValidator = require('@fastify/ajv-compiler/standalone');
const { StandaloneSerializer } = require('@fastify/fast-json-stringify-compiler');
const { recordSchemas, schemaCodeFile, SCHEMA_CODE_DIR } = await import('../dist/http/lazy-compilers.js');
const { createMockServer } = await import('../dist/index.js');

/** The factory arguments as fastify gave them, copied: the standalone writers add their own options in place. */
const copy = (args) => args.map((a) => (a && typeof a === 'object' && !Array.isArray(a) ? structuredCopy(a) : a));
const structuredCopy = (o) =>
  Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? structuredCopy(v) : v]),
  );

const sources = new Map();
recordSchemas((kind, route, args) => {
  const file = schemaCodeFile(kind, route, args);
  if (sources.has(file)) return;
  let code;
  const storeFunction = (_route, text) => {
    code = text;
  };
  if (kind === 'validator') {
    StandaloneValidator({ readMode: false, storeFunction })(...copy(args))(route);
  } else {
    const [external, options = {}] = copy(args);
    StandaloneSerializer({ readMode: false, storeFunction })(external, { ...options, inlineValidators: true })(route);
  }
  sources.set(file, code);
});

const server = await createMockServer({ port: 0, host: '127.0.0.1', logLevel: 'silent' });
await server.close();
recordSchemas(undefined);

const staging = path.join(root, 'dist', '.schema-src');
fs.rmSync(staging, { recursive: true, force: true });
fs.rmSync(SCHEMA_CODE_DIR, { recursive: true, force: true });
fs.mkdirSync(staging, { recursive: true });
for (const [file, code] of sources) fs.writeFileSync(path.join(staging, file), code);
await build({
  entryPoints: [...sources.keys()].map((file) => path.join(staging, file)),
  outdir: SCHEMA_CODE_DIR,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
fs.rmSync(staging, { recursive: true, force: true });
const bytes = [...sources.keys()].reduce((n, f) => n + fs.statSync(path.join(SCHEMA_CODE_DIR, f)).size, 0);
process.stdout.write(`dist/schema-code: ${sources.size} schemas compiled ahead (${(bytes / 1024).toFixed(0)} KiB)\n`);
