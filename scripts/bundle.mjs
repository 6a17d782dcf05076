// Part of `npm run build`: checks that the control client (dist/client, the `iamport-mock/client` subpath) stays
// free of server code and dependencies, then bundles the built CLI and the library with their pure-JS
// dependencies into dist/cli.bundle.js (the package's bin and the Docker image's entry point; code it loads on
// demand, Swagger UI, YAML export, the openapi command, sits in dist/chunk-*.js) and dist/library.cjs, run by
// dist/index.bundle.js (the package's main: what each test file of a user's suite imports), so start-up reads and
// links a few modules instead of ~800. dist/cli.js and dist/index.js stay the same code unbundled (the tests run
// both CLIs).
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
import { fileURLToPath, pathToFileURL } from 'node:url';

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

// Code splitting: what only some runs of the CLI need (the documentation app, the YAML export, the openapi command)
// sits in chunks loaded by their dynamic import(). Chunks are written beside the entry, in dist/, so modules that
// find the package from their own path still do.
// Code caches of earlier builds' library go too (they would never match it again).
for (const f of fs.readdirSync(path.join(root, 'dist'))) {
  if (/^chunk-.*\.js$|^\.library\.cjs\..*\.v8cache$/.test(f)) fs.rmSync(path.join(root, 'dist', f));
}
const result = await build({
  ...common,
  entryPoints: { 'cli.bundle': path.join(root, 'dist', 'cli.js'), library: path.join(root, 'dist', 'index.js') },
  outdir: path.join(root, 'dist'),
  splitting: true,
  chunkNames: 'chunk-[hash]',
});

// The library (what each test file of a user's suite imports) also as one CommonJS script, dist/library.cjs: the
// package's main, dist/index.bundle.js, runs it with V8's code cache (src/code-cache.ts), which Node 20 offers for
// scripts only, not for ES modules. In a realm of a test runner's own (jest's vm modules) the main imports the ES
// module dist/library.js instead: a script runs in Node's main realm, where the test's realm would get objects of
// another realm's classes.
const libraryFile = path.join(root, 'dist', 'library.cjs');
const library = await build({
  ...common,
  format: 'cjs',
  entryPoints: [path.join(root, 'dist', 'index.js')],
  outfile: libraryFile,
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// A script has no import(): every module the library loads must be bundled or require()d.
const dynamicImport = /\bimport\(\s*["'`]/.exec(fs.readFileSync(libraryFile, 'utf8'));
if (dynamicImport) throw new Error(`dist/library.cjs must not use import(): found "${dynamicImport[0]}"`);
const names = Object.keys(await import(pathToFileURL(path.join(root, 'dist', 'index.js')).href));
fs.writeFileSync(
  path.join(root, 'dist', 'index.bundle.js'),
  [
    "// The package's main, written by scripts/bundle.mjs: the library, run with V8's code cache in Node's main realm.",
    "import { fileURLToPath } from 'node:url';",
    "import { inMainRealm, requireWithCodeCache } from './code-cache.js';",
    'const library = inMainRealm()',
    "  ? requireWithCodeCache(fileURLToPath(new URL('./library.cjs', import.meta.url))).exports",
    "  : await import('./library.js');",
    `export const { ${names.join(', ')} } = library;`,
    '',
  ].join('\n'),
);
for (const [file, output] of Object.entries(library.metafile.outputs)) {
  result.metafile.outputs[file] = output;
}
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
