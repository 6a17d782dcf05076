// `npm run prepare` / `prepack` (npm runs them on `npm ci`/`npm install` in a clone, on a git install and before
// `npm pack`/`npm publish`): builds dist/ unless it was already built from exactly these sources, so that a git
// install or a tarball always holds the build, and CI's `npm ci` followed by `npm test` does not build twice.
//
// "These sources" is a hash of everything the build reads: src/, ui/ (the QA dashboard), the tsconfig files, the
// bundler scripts, package.json and package-lock.json. The build writes it to dist/.build-hash once it has
// succeeded; any change (or a missing or partial dist/) builds again. `npm run build` itself always builds.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-hash');
const INPUTS = [
  'src',
  'ui',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/compile-schemas.mjs',
  'scripts/bundle.mjs',
  'scripts/bundle-ui.mjs',
  'package.json',
  'package-lock.json',
];
/** What a usable build holds (the package's main, types and bin, its schemas' code, the dashboard's page). */
const OUTPUTS = [
  'dist/index.js',
  'dist/index.d.ts',
  'dist/cli.js',
  'dist/cli.bundle.js',
  'dist/schema-code',
  'dist/ui/index.html',
];

function files(rel) {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return [rel];
  return fs
    .readdirSync(abs)
    .sort()
    .flatMap((name) => files(path.join(rel, name)));
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const rel of INPUTS.flatMap(files)) {
    hash.update(`${rel.split(path.sep).join('/')}\0`);
    hash.update(fs.readFileSync(path.join(root, rel)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const wanted = sourceHash();
const built = fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === wanted;
if (built && OUTPUTS.every((f) => fs.existsSync(path.join(root, f)))) {
  console.log('iamport-mock: dist/ is up to date with the sources (dist/.build-hash), not rebuilding');
  process.exit(0);
}

if (!fs.existsSync(path.join(root, 'node_modules', 'typescript'))) {
  console.error(
    'iamport-mock: cannot build dist/: the dev dependencies (typescript, esbuild) are not installed. ' +
      'Run `npm ci` (without --omit=dev) first, or install from a tarball or the registry, which ship dist/.',
  );
  process.exit(1);
}

fs.rmSync(stamp, { force: true });
const npm = process.env.npm_execpath;
const build = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);
fs.writeFileSync(stamp, `${wanted}\n`);
