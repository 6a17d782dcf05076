// Tests that the locked dependency tree supports the Node versions the package claims: no `npm ci` on Node 20
// warns EBADENGINE, and what a user installs (the production dependencies) runs on the oldest Node 20 it accepts.

import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { ROOT } from './cli-process.js';

interface Locked {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  engines?: { node?: string } | string[];
}

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  overrides?: Record<string, unknown>;
};
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, Locked>;
};
const nodeRange = (p: Locked) => (p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined);
const refusing = (version: string, filter: (p: Locked) => boolean) =>
  Object.entries(lock.packages)
    .filter(([name, p]) => name !== '' && filter(p))
    .filter(([, p]) => {
      const range = nodeRange(p);
      return range !== undefined && !semver.satisfies(version, range, { includePrerelease: true });
    })
    .map(([name, p]) => `${name.replace(/^.*node_modules\//, '')}@${p.version} wants node ${nodeRange(p)}`);

t.test('package.json claims Node 20 or newer', async (t) => {
  t.equal(semver.minVersion(pkg.engines.node)?.major, 20, `engines.node ${pkg.engines.node} starts at Node 20`);
});

t.test('every production dependency runs on the oldest Node the package accepts, and on Node 22', async (t) => {
  const oldest = semver.minVersion(pkg.engines.node)!.version;
  t.same(
    refusing(oldest, (p) => !p.dev),
    [],
    `all accept Node ${oldest}`,
  );
  t.same(
    refusing('22.12.0', (p) => !p.dev),
    [],
    'all accept Node 22 (the Docker image)',
  );
});

t.test('no locked package refuses the running Node (npm ci would warn EBADENGINE)', async (t) => {
  t.same(
    refusing(process.versions.node, () => true),
    [],
    `all accept ${process.version}`,
  );
});

t.test('the overrides that keep fastify on Node 20 are in force', async (t) => {
  // cookie@2 and content-disposition@3 want Node 22 (cookie@2 is ESM-only: require() of it fails before 20.19);
  // cookie@1.1 and content-disposition@2 have the same API (stringifySetCookie, create).
  t.match(pkg.overrides, {
    'light-my-request': { cookie: '^1.1.1' },
    '@fastify/static': { 'content-disposition': '^2.0.1' },
  });
  t.match(lock.packages['node_modules/light-my-request/node_modules/cookie']?.version, /^1\./, 'cookie 1.x is locked');
  t.match(
    lock.packages['node_modules/@fastify/static/node_modules/content-disposition']?.version,
    /^2\./,
    'content-disposition 2.x is locked',
  );
});
