// Moves the named API objects (schemas with a `title`, e.g. PaymentAnnotation) of an OpenAPI document into
// components.schemas and points every use at them, so the document names them once instead of inlining copies.

type Json = unknown;

const isRecord = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `type: ['object', 'null']` (how Nullable writes a nullable object) */
const nullableObject = (node: Record<string, Json>) =>
  Array.isArray(node.type) && node.type.includes('object') && node.type.includes('null');

function titled(node: Json): string | undefined {
  return isRecord(node) &&
    typeof node.title === 'string' &&
    (node.type === 'object' || nullableObject(node) || node.properties !== undefined)
    ? node.title
    : undefined;
}

/** The object itself, without the null a use site may allow. */
function nonNull(node: Record<string, Json>): Record<string, Json> {
  return nullableObject(node) ? { ...node, type: 'object' } : node;
}

function visit(node: Json, fn: (n: Record<string, Json>) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) visit(n, fn);
  } else if (isRecord(node)) {
    fn(node);
    for (const n of Object.values(node)) visit(n, fn);
  }
}

/** Returns a copy of `doc` with each titled object schema hoisted; a title used for different schemas stays inline. */
export function hoistNamedSchemas<T extends Record<string, Json>>(doc: T): T {
  const first = new Map<string, string>();
  const conflicting = new Set<string>();
  visit(doc.paths, (n) => {
    const title = titled(n);
    if (!title) return;
    const text = JSON.stringify(nonNull(n));
    const seen = first.get(title);
    if (seen === undefined) first.set(title, text);
    else if (seen !== text) conflicting.add(title);
  });

  const schemas: Record<string, Json> = {};
  const swap = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(swap);
    if (!isRecord(node)) return node;
    const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, swap(v)]));
    const title = titled(node);
    if (title === undefined || conflicting.has(title)) return copy;
    schemas[title] = nonNull(copy);
    const ref = { $ref: `#/components/schemas/${title}` };
    return nullableObject(node) ? { anyOf: [ref, { type: 'null' }] } : ref;
  };
  const paths = swap(doc.paths);
  const components = isRecord(doc.components) ? doc.components : {};
  const existing = isRecord(components.schemas) ? components.schemas : {};
  const sorted = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  return { ...doc, paths, components: { ...components, schemas: { ...existing, ...sorted } } };
}
