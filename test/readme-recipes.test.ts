// The README's shell recipes, run as written against a fresh server, so that they stay true.
//
// The rule (README.md, "Contributing: README recipes are tests"):
// - every fenced block whose info string is exactly `sh` is a recipe; they run in document order in one bash
//   session (variables carry over), in an empty temporary folder, against a server started here with the bundled
//   fixtures and `--admin-token secret` on a free port: `localhost:8080` and `127.0.0.1:8080` become its port;
// - every command must exit 0, and every iamport envelope it prints must have code 0, unless the command ends with
//   a comment `# … → <JSON>`: then its answer must contain that JSON (the envelope's `response`, or the whole
//   envelope when the JSON has a `code`; objects may have more keys, arrays more elements);
// - blocks that must not run here (installing, building, Docker, your own app) are tagged `shell`, `text`, ….

import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli-process.js';
import { startServer } from './helpers.js';
import { run } from './e2e/npm-support.js';

const README = path.join(ROOT, 'README.md');
const ADMIN_TOKEN = 'secret';
const HAVE = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

interface Command {
  /** The shell text, continuation lines joined. */
  text: string;
  /** README line where the command starts. */
  line: number;
  /** What the answer must contain, from a trailing `# … → <JSON>` comment. */
  expected?: unknown;
}

/** The commands of the README's `sh` blocks, in order. */
export function recipes(markdown: string): Command[] {
  const lines = markdown.split('\n');
  const commands: Command[] = [];
  let inSh = false;
  let fence = '';
  let pending: { text: string[]; line: number } | null = null;
  lines.forEach((raw, i) => {
    const open = /^(```+|~~~+)\s*([\w+-]*)\s*$/.exec(raw);
    if (!fence && open) {
      fence = open[1]!;
      inSh = open[2] === 'sh';
      return;
    }
    if (fence && raw.startsWith(fence) && raw.trim() === fence) {
      fence = '';
      inSh = false;
      return;
    }
    if (!inSh) return;
    if (!pending) {
      if (raw.trim() === '' || raw.trim().startsWith('#')) return;
      pending = { text: [], line: i + 1 };
    }
    pending.text.push(raw);
    if (raw.endsWith('\\')) return;
    const text = pending.text.join('\n');
    const arrow = /#[^#\n]*→\s*(\{.*\}|\[.*\])\s*$/.exec(pending.text[pending.text.length - 1]!);
    commands.push({ text, line: pending.line, ...(arrow ? { expected: JSON.parse(arrow[1]!) } : {}) });
    pending = null;
  });
  return commands;
}

/** The top-level JSON values printed one after another (e.g. two curls on one line); text around them is skipped. */
function jsonValues(out: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < out.length; i++) {
    const c = out[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if ((c === '}' || c === ']') && depth > 0) {
      depth--;
      if (depth === 0) {
        try {
          values.push(JSON.parse(out.slice(start, i + 1)));
        } catch {
          // not JSON (YAML flow text, say): skipped
        }
      }
    }
  }
  return values;
}

/** Where `actual` does not contain `expected` (undefined when it does). */
export function mismatch(actual: unknown, expected: unknown, at = '$'): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: expected an array, got ${JSON.stringify(actual)}`;
    for (const [i, e] of expected.entries()) {
      const m = mismatch(actual[i], e, `${at}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object')
      return `${at}: expected an object, got ${JSON.stringify(actual)}`;
    for (const [k, e] of Object.entries(expected)) {
      const m = mismatch((actual as Record<string, unknown>)[k], e, `${at}.${k}`);
      if (m) return m;
    }
    return undefined;
  }
  return actual === expected ? undefined : `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

const isEnvelope = (v: unknown): v is { code: number; response: unknown } =>
  v !== null && typeof v === 'object' && 'code' in v && 'response' in v;

t.test('the recipe extraction follows the rule', async (t) => {
  const md = [
    '```sh',
    'A=1   # prose',
    '# a comment line',
    'curl -s x \\',
    '  -d \'{}\'   # note → {"a":1}',
    '```',
    '```shell',
    'npm ci',
    '```',
    '```text',
    'iamport-mock [start]',
    '```',
    '```sh',
    'echo "#"; echo done   # → [1]',
    '```',
  ].join('\n');
  t.same(recipes(md), [
    { text: 'A=1   # prose', line: 2 },
    { text: 'curl -s x \\\n  -d \'{}\'   # note → {"a":1}', line: 4, expected: { a: 1 } },
    { text: 'echo "#"; echo done   # → [1]', line: 14, expected: [1] },
  ]);
  t.equal(mismatch({ a: 1, b: 2 }, { a: 1 }), undefined, 'more keys are fine');
  t.match(mismatch({ a: 2 }, { a: 1 }), /\$\.a: expected 1, got 2/);
  t.equal(mismatch([1, 2, 3], [1, 2]), undefined, 'more elements are fine');
  t.match(mismatch({ a: [{ b: 1 }] }, { a: [{ b: 2 }] }), /\$\.a\[0\]\.b/);
});

t.test(
  "the README's sh recipes run as written against a fresh server",
  { skip: !(HAVE('bash') && HAVE('curl')) && 'bash and curl are needed (.ci/run installs curl)' },
  async (t) => {
    const commands = recipes(fs.readFileSync(README, 'utf8'));
    t.ok(commands.length >= 30, `${commands.length} commands found in the sh blocks`);
    const server = await startServer(t, { adminToken: ADMIN_TOKEN });
    const port = new URL(server.url).port;
    const dir = t.testdir({});
    const out = path.join(dir, '.out');
    fs.mkdirSync(out);
    // One bash session: each command's output and status go to files; `{ …; }` keeps variables in this shell.
    const script = commands
      .map((c, i) => {
        const text = c.text.replace(/\b(localhost|127\.0\.0\.1):8080\b/g, `$1:${port}`);
        return `{\n${text}\n} >"${out}/${i}.out" 2>"${out}/${i}.err" </dev/null; echo $? >"${out}/${i}.rc"`;
      })
      .join('\n');
    fs.writeFileSync(path.join(out, 'recipes.sh'), script);
    // Asynchronously: the server answers from this process.
    const ran = await run('bash', [path.join(out, 'recipes.sh')], { cwd: dir, timeoutMs: 100_000 });
    t.notOk(ran.timedOut, 'the recipes finished within 100 s');

    for (const [i, c] of commands.entries()) {
      const where = `README.md:${c.line} ${c.text.split('\n')[0]!.slice(0, 70)}`;
      const read = (ext: string) =>
        fs.existsSync(path.join(out, `${i}.${ext}`)) ? fs.readFileSync(path.join(out, `${i}.${ext}`), 'utf8') : '';
      const rc = read('rc').trim();
      const stdout = read('out');
      t.equal(
        rc,
        '0',
        `${where}: exits 0${rc === '0' ? '' : ` (${rc || 'did not run'}) ${read('err').slice(0, 300)}`}`,
      );
      const values = jsonValues(stdout);
      if (c.expected !== undefined) {
        const answer = values[values.length - 1];
        const compared =
          isEnvelope(answer) && !(c.expected && typeof c.expected === 'object' && 'code' in c.expected)
            ? answer.response
            : answer;
        const m = mismatch(compared, c.expected);
        t.equal(m, undefined, `${where}: the answer contains ${JSON.stringify(c.expected)}${m ? ` — ${m}` : ''}`);
      } else {
        for (const v of values.filter(isEnvelope))
          t.equal(v.code, 0, `${where}: code 0${v.code === 0 ? '' : ` — ${JSON.stringify(v).slice(0, 300)}`}`);
      }
    }
  },
);
