// Input rules JSON Schema cannot say, checked beside every route validator: finite numbers, bounded nesting,
// well-formed Unicode, and which strings may stand for numbers.

/** Deeper than this, a request part is refused (PHP-style forms stop at 8; no API object nests more than 4). */
export const MAX_DEPTH = 32;

export interface Problem {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** In Unicode mode a surrogate pair is one code point, so this matches only a surrogate without its partner. */
const LONE_SURROGATE = /\p{Surrogate}/u;

const problem = (keyword: string, instancePath: string, message: string): Problem => ({
  keyword,
  instancePath,
  params: {},
  message,
});

/**
 * A number must be finite (ajv coerces "1e400" to Infinity and then skips its bounds), a value must not nest deeper
 * than MAX_DEPTH (it would overflow the stack further on), and every string and key must be well-formed UTF-16: a
 * lone surrogate cannot be stored or answered as UTF-8 and would come back as U+FFFD, a different value.
 */
export function saneValue(value: unknown, depth = 0): Problem | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : problem('finite', '', 'must be a finite number');
  }
  if (typeof value === 'string') {
    return !LONE_SURROGATE.test(value) ? null : problem('unicode', '', 'must not contain an unpaired surrogate');
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH) return problem('depth', '', `must not nest deeper than ${MAX_DEPTH} levels`);
  const object = value as Record<string, unknown>;
  for (const k in object) {
    if (LONE_SURROGATE.test(k)) return problem('unicode', '', 'must not have a key with an unpaired surrogate');
    const found = saneValue(object[k], depth + 1);
    if (found) return under(k, found);
  }
  return null;
}

/** A problem found inside `key`: its path gains the key (paths are built only for what fails). */
function under(key: string | number, found: Problem): Problem {
  found.instancePath = `/${key}${found.instancePath}`;
  return found;
}

type Schema = Record<string, unknown>;

/** A plain decimal, as a form field or a JSON string may carry a number: `1000`, `-2.5`, `1e3`. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

const typesOf = new WeakMap<Schema, Set<string> | null>();

/** The JSON types a schema position accepts, or null when it says nothing (anything goes); once per schema. */
function acceptedTypes(schema: Schema): Set<string> | null {
  let types = typesOf.get(schema);
  if (types === undefined) typesOf.set(schema, (types = typesIn(schema)));
  return types;
}

function typesIn(schema: Schema): Set<string> | null {
  const type = schema.type;
  if (typeof type === 'string') return new Set([type]);
  if (Array.isArray(type)) return new Set(type as string[]);
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (!branches) return null;
  const all = new Set<string>();
  for (const b of branches) {
    const types = acceptedTypes(b);
    if (!types) return null;
    for (const t of types) all.add(t);
  }
  return all;
}

/** The schema of `key` inside an object schema (through anyOf/oneOf/allOf branches), if any. */
function propertySchema(schema: Schema, key: string): Schema | undefined {
  const own = (schema.properties as Record<string, Schema> | undefined)?.[key];
  if (own) return own;
  for (const b of [...((schema.anyOf ?? schema.oneOf ?? []) as Schema[]), ...((schema.allOf ?? []) as Schema[])]) {
    const found = propertySchema(b, key);
    if (found) return found;
  }
  const extra = schema.additionalProperties;
  return typeof extra === 'object' && extra !== null ? (extra as Schema) : undefined;
}

/** What a number field given anything but decimal digits (or a boolean) is told. */
export const NOT_DECIMAL = 'must be a number written in decimal digits';

/**
 * Where the schema wants a number and the value is not one, ajv's type coercion turns any string JavaScript reads
 * as a number into one — `"0x10"` is 16, `"0b1111101000"` and `"0o1750"` are 1000 — and `true` into 1. Form
 * fields and query strings are always strings, so coercion stays on; this refuses, before ajv runs, the strings
 * that are not plain decimals and the booleans.
 */
export function numbersAsSent(schema: unknown, value: unknown): Problem | null {
  if (schema === null || typeof schema !== 'object' || value === undefined || value === null) return null;
  const s = schema as Schema;
  if (typeof value === 'string' || typeof value === 'boolean') {
    const types = acceptedTypes(s);
    if (!types || types.has(typeof value) || !(types.has('number') || types.has('integer'))) {
      // ajv's 'array' coercion wraps a lone value in an array: check it as an item.
      return types?.has('array') && !types.has(typeof value) ? numbersAsSent(s.items, value) : null;
    }
    if (typeof value === 'string' && DECIMAL.test(value)) return null;
    return problem('type', '', NOT_DECIMAL);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = numbersAsSent(s.items, value[i]);
      if (found) return under(i, found);
    }
    return null;
  }
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    for (const k in object) {
      const found = numbersAsSent(propertySchema(s, k), object[k]);
      if (found) return under(k, found);
    }
  }
  return null;
}
