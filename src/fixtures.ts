// Reads, validates and applies a fixtures YAML file; errors name the file, line and field.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Yaml from 'yaml';
import type * as TypeboxValue from '@sinclair/typebox/value';
import { DEFAULT_FIXTURES, PACKAGE_ROOT } from './config.js';
import { Fixtures } from './schemas/fixtures.js';
import type { Services } from './services.js';

// The YAML parser and TypeBox's checker are loaded when a fixtures file is parsed, not at start-up: a test file
// that starts the mock with the default fixtures reads them prepared by the build (below) and needs neither.
const load = createRequire(import.meta.url);
const yaml = () => load('yaml') as typeof Yaml;
const typeboxValue = () => load('@sinclair/typebox/value') as typeof TypeboxValue;

/** fixtures/default.yaml parsed and validated by `npm run build` (scripts/bundle.mjs), as JSON. */
export const PREPARED_DEFAULT_FIXTURES = path.join(PACKAGE_ROOT, 'dist', 'default-fixtures.json');

/** The prepared copy of the default fixtures when it exists and is not older than the YAML file. */
function preparedDefault(file: string): Fixtures | null {
  if (path.resolve(file) !== DEFAULT_FIXTURES) return null;
  try {
    if (fs.statSync(PREPARED_DEFAULT_FIXTURES).mtimeMs < fs.statSync(DEFAULT_FIXTURES).mtimeMs) return null;
    return JSON.parse(fs.readFileSync(PREPARED_DEFAULT_FIXTURES, 'utf8')) as Fixtures;
  } catch {
    return null;
  }
}

export class FixtureError extends Error {
  override name = 'FixtureError';
}

/** Parses and validates a fixtures file. */
export function readFixtures(file: string): Fixtures {
  const prepared = preparedDefault(file);
  if (prepared) return prepared;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new FixtureError(`${file}: cannot read fixtures file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseFixtures(text, file);
}

export function parseFixtures(text: string, file = '<fixtures>'): Fixtures {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    throw new FixtureError(`${file}:${line}: invalid YAML: ${yamlError.message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    data = doc.toJS() ?? {};
  } catch (e) {
    // e.g. an alias bomb: yaml refuses to expand more than its alias limit.
    throw new FixtureError(`${file}: invalid YAML: ${(e as Error).message}`);
  }
  const error = typeboxValue().Value.Errors(Fixtures, data).First();
  if (error) {
    const segments = error.path.split('/').filter(Boolean);
    const node = doc.getIn(segments, true) as { range?: [number, number, number] } | undefined;
    const parent = doc.getIn(segments.slice(0, -1), true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0] ?? parent?.range?.[0] ?? 0;
    const field =
      segments
        .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
        .join('')
        .replace(/^\./, '') || '(document)';
    throw new FixtureError(`${file}:${lineCounter.linePos(offset).line}: ${field}: ${error.message}`);
  }
  const fixtures = data as Fixtures;
  const keys = new Set<string>();
  for (const m of fixtures.merchants) {
    if (keys.has(m.imp_key)) throw new FixtureError(`${file}: merchants: imp_key ${m.imp_key} appears twice`);
    keys.add(m.imp_key);
  }
  return fixtures;
}

/**
 * Creates or updates the fixtures' merchants in one transaction. A merchant that already exists keeps its
 * data and clock (its secret, name, flags and settings follow the file); a new one is seeded with the
 * file's keys, payments and schedules.
 */
export interface ApplyOptions {
  /** Load the data of merchants that already exist too (the `seed` command); ids must not clash. */
  seedExisting?: boolean;
  /** Called after each loaded item (for a progress bar). */
  onItem?: () => void;
}

/** How many data items (keys, payments, schedules, prepared amounts) a document holds. */
export function countItems(fixtures: Fixtures): number {
  return fixtures.merchants.reduce(
    (n, m) =>
      n +
      (m.billing_keys?.length ?? 0) +
      (m.payments?.length ?? 0) +
      (m.schedules?.length ?? 0) +
      (m.prepares?.length ?? 0),
    0,
  );
}

export function applyFixtures(
  { store, secrets, clock, state }: Services,
  fixtures: Fixtures,
  file = '<fixtures>',
  { seedExisting = false, onItem }: ApplyOptions = {},
): void {
  store.transaction(() => {
    fixtures.merchants.forEach((m, i) => {
      const existing = store.merchants.findByKey(m.imp_key);
      const fields = {
        // No secret in the file: the first getToken binds one (as in open mode).
        secret_hash: m.imp_secret ? secrets.fingerprint('imp_secret', m.imp_secret) : (existing?.secret_hash ?? ''),
        name: m.name ?? null,
        is_agency: m.agency || (m.sub_merchants?.length ?? 0) > 0 ? (1 as const) : (0 as const),
        webhook_url: m.webhook_url ?? null,
      };
      if (existing) store.merchants.updateFromFixture({ ...fields, id: existing.id });
      const merchant =
        existing ??
        store.merchants.insert({ ...fields, imp_key: m.imp_key, origin: 'fixture', created_at: clock.wallNow() });
      state.applySettings(merchant, m);
      if (existing && !seedExisting) return;
      const now = clock.now({ clock_offset: m.clock?.offset ?? 0, clock_frozen_at: m.clock?.frozen_at ?? null });
      try {
        state.importData(merchant, m, now, `merchants[${i}]`, onItem);
      } catch (e) {
        throw new FixtureError(`${file}: ${(e as Error).message}`);
      }
    });
  });
}
