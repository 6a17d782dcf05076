// Part of `npm run build`: checks that the control client (dist/client, the `iamport-mock/client` subpath) stays
// free of server code and dependencies, then bundles the built CLI and the library entry with their pure-JS
// dependencies into dist/cli.bundle.js (the package's bin and the Docker image's entry point) and
// dist/index.bundle.js (the package's main: what each test file of a user's suite imports), so start-up reads and
// links a few modules instead of ~800. The code both share, and code loaded on demand (Swagger UI, YAML export,
// the openapi command), sit in dist/chunk-*.js. dist/cli.js and dist/index.js stay the same code unbundled (the
// tests run both CLIs).
//
// Left external (loaded from node_modules as usual):
// - better-sqlite3: a native addon (.node) found by `bindings` from its own path, cannot be bundled.
// - fastify's schema compilers: see `external` below.
// - yaml and TypeBox's value checker as src/control/fixtures/parse.ts requires them: only when a fixtures file is parsed.
// @fastify/swagger-ui is bundled (otherwise it alone loads ~270 CommonJS files: yaml, @fastify/static, send…), but it
// serves Swagger UI's files from paths relative to its own __dirname: its modules get their real folder back at run
// time, resolved from node_modules (see `realDirname` below).

import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'cli.bundle.js');

/** Gives CommonJS files of the listed packages their installed folder as __dirname (resolved at run time). */
const realDirname = (packages) => ({
  name: 'real-dirname',
  setup(b) {
    b.onLoad({ filter: /node_modules[\\/].*\.js$/ }, async (args) => {
      const rel = args.path
        .split(/node_modules[\\/]/)
        .pop()
        .replaceAll('\\', '/');
      const pkg = packages.find((p) => rel.startsWith(`${p}/`));
      if (!pkg) return undefined;
      const text = await fs.promises.readFile(args.path, 'utf8');
      if (!/__dirname|__filename/.test(text)) return undefined;
      const dir = path.posix.dirname(rel.slice(pkg.length + 1));
      const root = `require('node:path').dirname(require.resolve(${JSON.stringify(`${pkg}/package.json`)}))`;
      const prelude =
        `var __dirname = require('node:path').join(${root}, ${JSON.stringify(dir)});\n` +
        `var __filename = require('node:path').join(__dirname, ${JSON.stringify(path.posix.basename(rel))});\n`;
      return { contents: prelude + text, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
});

// The client subpath is tsc's dist/client/index.js (one copy of MockControlError for both entries, so instanceof
// holds); bundling it here, without writing, proves its module graph is only dist/client, the one error class and
// node: builtins — importing it loads no fastify, no SQLite and no native addon.
const client = await build({
  entryPoints: [path.join(root, 'dist', 'client', 'index.js')],
  bundle: true,
  write: false,
  platform: 'node',
  format: 'esm',
  metafile: true,
  logLevel: 'warning',
});
const allowed = /^dist\/(client\/[^/]+|domain\/errors)\.js$/;
const strays = Object.keys(client.metafile.inputs).filter((f) => !allowed.test(path.relative(root, path.resolve(f))));
if (strays.length > 0) {
  throw new Error(`dist/client must not import server code or packages; it imports: ${strays.join(', ')}`);
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // fastify's schema compilers (and with them Ajv and fast-json-stringify, ~350 KiB) stay out of the bundles: a
  // server uses the code scripts/compile-schemas.mjs compiled ahead, and loads them from node_modules only for a
  // schema it has no code for (src/http/lazy-compilers.ts).
  external: ['better-sqlite3', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler'],
  plugins: [realDirname(['@fastify/swagger-ui'])],
  // CommonJS dependencies inside an ESM bundle still call require() and read __filename/__dirname.
  banner: {
    js: [
      "import { createRequire as __bundleCreateRequire } from 'node:module';",
      "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
      "import { dirname as __bundleDirname } from 'node:path';",
      'const require = __bundleCreateRequire(import.meta.url);',
      'const __filename = __bundleFileURLToPath(import.meta.url);',
      'const __dirname = __bundleDirname(__filename);',
    ].join('\n'),
  },
  // Whitespace and syntax only: names stay readable in stack traces and CPU profiles.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
};

// The default fixtures, parsed and validated once here: a server started with them reads this JSON instead of
// loading the YAML parser (src/control/fixtures/parse.ts).
const { parseFixtures, PREPARED_DEFAULT_FIXTURES } = await import('../dist/control/fixtures/parse.js');
const defaultYaml = path.join(root, 'fixtures', 'default.yaml');
fs.writeFileSync(
  PREPARED_DEFAULT_FIXTURES,
  JSON.stringify(parseFixtures(fs.readFileSync(defaultYaml, 'utf8'), defaultYaml)),
);

// Code splitting: what only some runs need (the documentation app, the YAML export, the openapi command) sits in
// chunks loaded by their dynamic import(); the code the CLI and the library share sits in one chunk too. Chunks are
// written beside the entries, in dist/, so modules that find the package from their own path still do.
for (const f of fs.readdirSync(path.join(root, 'dist'))) {
  if (/^chunk-.*\.js$/.test(f)) fs.rmSync(path.join(root, 'dist', f));
}
const result = await build({
  ...common,
  entryPoints: { 'cli.bundle': path.join(root, 'dist', 'cli.js'), 'index.bundle': path.join(root, 'dist', 'index.js') },
  outdir: path.join(root, 'dist'),
  splitting: true,
  chunkNames: 'chunk-[hash]',
});
const inputs = Object.keys(result.metafile.inputs).length;
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  const name = path.relative(process.cwd(), file);
  const what = output.entryPoint ? `entry ${output.entryPoint}` : 'chunk';
  process.stdout.write(`${name}: ${(output.bytes / 1024).toFixed(0)} KiB (${what})\n`);
}
process.stdout.write(`${inputs} modules bundled\n`);
if (process.env.BUNDLE_META) fs.writeFileSync(process.env.BUNDLE_META, JSON.stringify(result.metafile));
fs.chmodSync(outfile, 0o755);
process.stdout.write(`dist/client (iamport-mock/client): ${Object.keys(client.metafile.inputs).length} modules\n`);
