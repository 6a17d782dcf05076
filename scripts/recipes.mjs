// The README's test-suite recipes as files: every fenced code block right after a `<!-- recipe: PATH -->` line.
// `node scripts/recipes.mjs DIR [PREFIX]` writes them (those whose PATH starts with PREFIX) under DIR; the recipes
// test and docker/check.sh run them from a scratch project, so what CI runs is what the README shows.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** [{ path, text }] in README order; throws on a marker without a code block or a path leaving its folder. */
export function readRecipes(readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')) {
  const recipes = [];
  const marker = /^<!-- recipe: (\S+) -->\n+(`{3,})[^\n]*\n([\s\S]*?)\n\2[ \t]*$/gm;
  for (const m of readme.matchAll(marker)) {
    const file = path.posix.normalize(m[1]);
    if (file.startsWith('..') || path.posix.isAbsolute(file)) throw new Error(`recipe path leaves its folder: ${m[1]}`);
    recipes.push({ path: file, text: `${m[3]}\n` });
  }
  const markers = readme.match(/^<!-- recipe: /gm)?.length ?? 0;
  if (markers !== recipes.length) throw new Error(`${markers - recipes.length} recipe marker(s) without a code block`);
  return recipes;
}

/** Writes the recipes whose path starts with `prefix` under `dir`; answers the paths written. */
export function writeRecipes(dir, prefix = '') {
  const written = [];
  for (const r of readRecipes().filter((r) => r.path.startsWith(prefix))) {
    const target = path.join(dir, r.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, r.text);
    written.push(r.path);
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, prefix = ''] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node scripts/recipes.mjs DIR [PREFIX]');
    process.exit(2);
  }
  const written = writeRecipes(dir, prefix);
  if (written.length === 0) {
    console.error(`no README recipe starts with "${prefix}"`);
    process.exit(1);
  }
  for (const f of written) console.log(path.join(dir, f));
}
