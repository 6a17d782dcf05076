// PROTOTYPE (issue 9, start-up): bundles the built CLI and its pure-JS dependencies into one ESM file,
// dist/cli.bundle.js, so that start-up reads and links one module instead of ~hundreds. Run after `npm run build`:
//   node scripts/bundle.mjs && node dist/cli.bundle.js start
// Not wired into `build` or `bin`; `npm run bench` measures the bundle's start-up when the file exists.
//
// Left external (loaded from node_modules as usual):
// - better-sqlite3: a native addon (.node), cannot be bundled.
// - @fastify/swagger-ui: serves its static files from paths relative to its own __dirname.

import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'cli.bundle.js');

const result = await build({
  entryPoints: [path.join(root, 'dist', 'cli.js')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['better-sqlite3', '@fastify/swagger-ui'],
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
const bytes = result.metafile.outputs[path.relative(process.cwd(), outfile)]?.bytes ?? Object.values(result.metafile.outputs)[0]?.bytes;
process.stdout.write(`${path.relative(process.cwd(), outfile)}: ${inputs} modules, ${(bytes / 1024).toFixed(0)} KiB\n`);
