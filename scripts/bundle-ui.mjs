// Part of `npm run build`: bundles the QA dashboard (ui/, Preact + TSX) with esbuild into dist/ui: index.html, a
// content-hashed app-*.js and app-*.css, and a .gz twin of each, which the server sends to browsers that accept gzip.
// Everything the page needs is in these files: it works offline, no CDN. Prints the sizes (a test checks the budget).

import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'ui');

fs.rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { app: path.join(root, 'ui', 'main.tsx') },
  outdir,
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // Browsers of the last few years; nothing older needs to open a local QA tool.
  target: ['chrome111', 'firefox115', 'safari16.4'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
if (!js || !css) throw new Error(`the UI bundle is missing a file: ${outputs.join(', ')}`);

const icon =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' " +
  "rx='3' fill='%2314213d'/%3E%3Ctext x='8' y='12' font-size='10' text-anchor='middle' fill='white'%3EQA%3C/text%3E%3C/svg%3E";
fs.writeFileSync(
  path.join(outdir, 'index.html'),
  `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>iamport-mock QA</title>
<link rel="icon" href="${icon}">
<link rel="stylesheet" href="/__mock/ui/${css}">
<script type="module" src="/__mock/ui/${js}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The QA dashboard needs JavaScript. / QA 대시보드는 자바스크립트가 필요합니다.</noscript>
</body>
</html>
`,
);

let raw = 0;
let gzipped = 0;
for (const name of ['index.html', js, css]) {
  const body = fs.readFileSync(path.join(outdir, name));
  const gz = gzipSync(body, { level: 9 });
  fs.writeFileSync(path.join(outdir, `${name}.gz`), gz);
  raw += body.length;
  gzipped += gz.length;
}
process.stdout.write(
  `dist/ui: ${js}, ${css}, index.html: ${(raw / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB gzipped\n`,
);
