// Part of `npm run build`: checks that the control client (dist/client, the `iamport-mock/client` subpath) stays
// free of server code and dependencies, then bundles the built CLI and its pure-JS dependencies into one ESM
// file, dist/cli.bundle.js (the package's bin and the Docker image's entry point), so start-up reads and links
// one module instead of ~800: about 0.34 s from spawn to the first answered getToken instead of 0.7 s.
// dist/cli.js stays the same CLI unbundled (the tests run both).
//
// Left external (loaded from node_modules as usual):
// - better-sqlite3: a native addon (.node) found by `bindings` from its own path, cannot be bundled.
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

const result = await build({
  entryPoints: [path.join(root, 'dist', 'cli.js')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['better-sqlite3'],
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
});

const inputs = Object.keys(result.metafile.inputs).length;
const bytes =
  result.metafile.outputs[path.relative(process.cwd(), outfile)]?.bytes ??
  Object.values(result.metafile.outputs)[0]?.bytes;
process.stdout.write(`${path.relative(process.cwd(), outfile)}: ${inputs} modules, ${(bytes / 1024).toFixed(0)} KiB\n`);
process.stdout.write(`dist/client (iamport-mock/client): ${Object.keys(client.metafile.inputs).length} modules\n`);
