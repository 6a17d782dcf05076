// Input leniency (docs/input-leniency.md): what the live API accepts from its official clients, every iamport
// route accepts — blank optional fields count as absent, a JSON content type may come with an empty body — read
// off each route's own request schema, so a new route gets the rule without a line of its own.

import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { CONTROL_PREFIX } from '../constants.js';

/** The parts of a JSON Schema (as TypeBox builds them) the rule reads. */
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
}

type Kind = 'null' | 'array' | 'boolean' | 'string' | 'number' | 'integer' | 'object';

/** True when the schema names `kind` among its types (an untyped schema, like Type.Unknown, names none). */
function names(schema: Schema, kind: Kind): boolean {
  const t = schema.type;
  if (t === kind || (Array.isArray(t) && t.includes(kind))) return true;
  return (schema.anyOf ?? schema.oneOf ?? []).some((s) => names(s, kind));
}

/**
 * Whether an optional field holding `value` is to be read as not sent: `""` always; `null` and `[]` unless
 * the field's schema itself admits them (a nullable field gives null its own meaning, e.g. "skip the check";
 * an array field gives [] its own). `[]` is what PHP's json_encode makes of an empty array meant as an object.
 */
export function isBlank(value: unknown, schema: Schema): boolean {
  if (value === '') return true;
  if (value === null) return !names(schema, 'null');
  if (Array.isArray(value) && value.length === 0) return !names(schema, 'array');
  return false;
}

/** PHP's http_build_query writes true and false as "1" and "0"; a boolean-only field reads them back. */
function phpBoolean(value: unknown, schema: Schema): unknown {
  if ((value !== '1' && value !== '0') || !names(schema, 'boolean')) return value;
  if (names(schema, 'string') || names(schema, 'number') || names(schema, 'integer')) return value;
  return value === '1';
}

/** The branch of a union that describes objects or arrays, for walking into a value of that shape. */
function branch(schema: Schema, value: unknown): Schema {
  const union = schema.anyOf ?? schema.oneOf;
  if (!union) return schema;
  const wanted = Array.isArray(value)
    ? (s: Schema) => s.items !== undefined
    : (s: Schema) => s.properties !== undefined;
  return union.find(wanted) ?? schema;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An object schema read once: its properties by name and which of them are required. */
interface Plan {
  props: Map<string, Schema>;
  required: Set<string>;
}
const plans = new WeakMap<Schema, Plan>();
function planOf(schema: Schema & { properties: Record<string, Schema> }): Plan {
  let plan = plans.get(schema);
  if (!plan) {
    plan = { props: new Map(Object.entries(schema.properties)), required: new Set(schema.required ?? []) };
    plans.set(schema, plan);
  }
  return plan;
}

/** Whether a value can need a change deeper down: objects and arrays to walk, and PHP booleans. */
const walkable = (v: unknown) => (typeof v === 'object' && v !== null) || v === '1' || v === '0';

/**
 * The value as the route reads it: at every depth, optional properties that are blank (see isBlank) are
 * left out and PHP booleans become booleans. Required properties are never dropped, so their strictness and
 * messages stay. Answers the same value when nothing changes; never mutates its input.
 */
export function lenient(value: unknown, schema: Schema | undefined): unknown {
  if (!schema) return value;
  const s = branch(schema, value);
  if (Array.isArray(value)) {
    const items = s.items;
    if (!items) return value;
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const next = walkable(v) ? lenient(v, items) : v;
      if (next !== v) (out ??= [...value])[i] = next;
    });
    return out ?? value;
  }
  if (!isRecord(value) || !s.properties) return phpBoolean(value, s);
  const plan = planOf(s as Schema & { properties: Record<string, Schema> });
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const prop = plan.props.get(key);
    if (!prop) continue;
    const v = value[key];
    const next = !plan.required.has(key) && isBlank(v, prop) ? undefined : walkable(v) ? lenient(v, prop) : v;
    if (next === v) continue;
    out ??= { ...value };
    if (next === undefined) delete out[key];
    else out[key] = next;
  }
  return out ?? value;
}

/** A body that is not there: no bytes, JSON null, or PHP's json_encode([]) for "no parameters". */
function absentBody(body: unknown): boolean {
  return body === undefined || body === null || body === '' || (Array.isArray(body) && body.length === 0);
}

interface RouteSchema {
  body?: Schema;
  querystring?: Schema;
}

async function leniencyPlugin(app: FastifyInstance): Promise<void> {
  // Clients send a JSON content type on every call, DELETE and POSTs without parameters included (the PHP
  // client's middleware does): an empty JSON body is no body, as it is for a form.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') done(null, undefined);
    else json(request, body as string, done);
  });

  // A callback hook, not an async one: it runs on every request and needs no promise. The mock's own control API
  // is no iamport API and no official client calls it: it keeps its schemas' strict reading.
  app.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const schema = request.routeOptions.url?.startsWith(CONTROL_PREFIX)
      ? undefined
      : (request.routeOptions.schema as RouteSchema | undefined);
    if (schema?.body) request.body = lenient(absentBody(request.body) ? {} : request.body, schema.body);
    if (schema?.querystring && isRecord(request.query)) request.query = lenient(request.query, schema.querystring);
    done();
  });
}

export default fp(leniencyPlugin, { name: 'iamport-leniency', dependencies: ['iamport-bodies'] });
