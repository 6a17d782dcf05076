// `npm run contract`: checks the mock's real answers against PortOne's official V1 Swagger document. Also the
// checker the contract test imports: every body must validate against its operation's official response schema,
// with every official property present, apart from the deliberate differences in scripts/contract/deliberate.ts.

import { pathToFileURL } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { createMockServer } from '../src/index.js';
import { DELIBERATE } from './contract/deliberate.js';
import { runFlow, type Observation } from './contract/flow.js';
import {
  OFFICIAL_SWAGGER,
  OfficialSchemas,
  loadOfficial,
  type JsonSchema,
  type SwaggerDocument,
} from './contract/official.js';

export { DELIBERATE, OFFICIAL_SWAGGER, loadOfficial, runFlow };
export type { Observation };

/** Every iamport operation the mock implements ("METHOD official-path"); the flow must exercise each one. */
export const IMPLEMENTED_OPERATIONS: readonly string[] = [
  'POST /users/getToken',
  'GET /users/pg',
  'POST /subscribe/customers/{customer_uid}',
  'GET /subscribe/customers/{customer_uid}',
  'DELETE /subscribe/customers/{customer_uid}',
  'GET /subscribe/customers',
  'GET /subscribe/customers/{customer_uid}/payments',
  'GET /subscribe/customers/{customer_uid}/schedules',
  'POST /subscribe/payments/onetime',
  'POST /subscribe/payments/again',
  'POST /subscribe/payments/schedule',
  'GET /subscribe/payments/schedule',
  'POST /subscribe/payments/unschedule',
  'GET /subscribe/payments/schedule/{merchant_uid}',
  'PUT /subscribe/payments/schedule/{merchant_uid}',
  'POST /subscribe/payments/schedule/{merchant_uid}/reschedule',
  'POST /subscribe/payments/schedule/{merchant_uid}/retry',
  'GET /subscribe/payments/schedule/customers/{customer_uid}',
  'GET /payments/{imp_uid}',
  'GET /payments',
  'GET /payments/find/{merchant_uid}/{payment_status}',
  'GET /payments/findAll/{merchant_uid}/{payment_status}',
  'GET /payments/status/{payment_status}',
  'GET /payments/{imp_uid}/balance',
  'POST /payments/cancel',
  'POST /payments/prepare',
  'PUT /payments/prepare',
  'GET /payments/prepare/{merchant_uid}',
  'GET /cards',
  'GET /cards/{card_standard_code}',
  'GET /banks',
  'GET /banks/{bank_standard_code}',
  'GET /tiers/{tier_code}',
];

export interface ContractReport {
  /** Bodies validated. */
  checked: number;
  /** Everything that breaks the contract; empty when the mock conforms. */
  failures: string[];
  /** Official object → its properties our answers lacked (also among the failures). */
  missing: Record<string, string[]>;
  /** Properties we answer that the official objects do not define ("Definition.property"): information only. */
  extras: string[];
  /** The official objects our answers were checked as. */
  objects: string[];
  /** Official non-null types we answered null, under a deliberate difference ("Definition.property (type)"). */
  nulls: string[];
}

const opKey = (o: Observation) => `${o.method.toUpperCase()} ${o.operation}`;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(error: ErrorObject): { object: string; text: string; missing?: string } {
  const object = (
    isRecord(error.parentSchema) && typeof error.parentSchema.$comment === 'string'
      ? error.parentSchema.$comment
      : 'body'
  ) as string;
  if (error.keyword === 'required') {
    const prop = String(error.params.missingProperty);
    return { object, missing: prop, text: `${object} lacks ${prop} (at ${error.instancePath || '/'})` };
  }
  return { object, text: `${object}${error.instancePath}: ${error.message} (${JSON.stringify(error.params)})` };
}

interface Seen {
  objects: Set<string>;
  extras: Set<string>;
  nulls: Set<string>;
}

/**
 * Walks a body with its schema: the official objects met, the properties they do not define, the nulls they do not
 * allow.
 */
function walk(value: unknown, schema: JsonSchema, seen: Seen, owner = 'envelope'): void {
  const name = typeof schema.$comment === 'string' ? schema.$comment : owner;
  if (name !== owner && isRecord(value)) seen.objects.add(name);
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  if (props && isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      const prop = props[k];
      if (!prop) seen.extras.add(`${name}.${k}`);
      else {
        if (v === null && Array.isArray(prop.type)) seen.nulls.add(`${name}.${k} (${prop.type[0]})`);
        walk(v, prop, seen, name);
      }
    }
  }
  if (isRecord(schema.items) && Array.isArray(value)) {
    for (const v of value) walk(v, schema.items as JsonSchema, seen, name);
  }
}

/** Validates observed answers against the official document. */
export function checkObservations(doc: SwaggerDocument, observations: readonly Observation[]): ContractReport {
  const official = new OfficialSchemas(doc);
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  const failures: string[] = [];
  const missing: Record<string, Set<string>> = {};
  const seen: Seen = { objects: new Set(), extras: new Set(), nulls: new Set() };

  for (const o of observations) {
    const schema = official.responseSchema(o.method, o.operation, o.status);
    if (!schema) {
      failures.push(`${opKey(o)} (${o.step}): the official document has no ${o.status} response schema`);
      continue;
    }
    const validate = ajv.compile(schema);
    if (!validate(o.body)) {
      for (const e of validate.errors ?? []) {
        const d = describe(e);
        if (d.missing) (missing[d.object] ??= new Set()).add(d.missing);
        failures.push(`${opKey(o)} (${o.step}): ${d.text}`);
      }
    }
    walk(o.body, schema, seen);
  }

  const exercised = new Set(observations.map(opKey));
  for (const op of IMPLEMENTED_OPERATIONS) if (!exercised.has(op)) failures.push(`${op}: not exercised by the flow`);
  for (const d of official.unexplainedDangling())
    failures.push(`official required names undefined properties, not listed as deliberate: ${d}`);

  return {
    checked: observations.length,
    failures,
    missing: Object.fromEntries(Object.entries(missing).map(([k, v]) => [k, [...v].sort()])),
    extras: [...seen.extras].sort(),
    objects: [...seen.objects].sort(),
    nulls: [...seen.nulls].sort(),
  };
}

/** The flow on a fresh in-process server, checked; null when the official document is not beside the repository. */
export async function runContract(): Promise<ContractReport | null> {
  const doc = loadOfficial();
  if (!doc) return null;
  const server = await createMockServer({ port: 0, host: '127.0.0.1', db: ':memory:', logLevel: 'silent' });
  try {
    return checkObservations(doc, await runFlow(server.url));
  } finally {
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await runContract();
  if (!report) {
    console.log(
      `contract: skipped, the official document is not at ${OFFICIAL_SWAGGER} (set IAMPORT_V1_SWAGGER to its path)`,
    );
  } else {
    console.log(`contract: ${report.checked} answers checked against ${OFFICIAL_SWAGGER}`);
    console.log(`official objects met: ${report.objects.join(', ')}`);
    console.log(`deliberate differences applied (docs/contract-differences.md):`);
    for (const d of DELIBERATE) console.log(`  - ${d.where}: ${d.reference}`);
    console.log(`answered null under a deliberate difference: ${report.nulls.join(', ')}`);
    if (report.extras.length > 0)
      console.log(`fields the official objects do not define (allowed): ${report.extras.join(', ')}`);
    if (report.failures.length === 0) console.log('contract: OK');
    else {
      console.log(`contract: ${report.failures.length} failure(s)`);
      for (const f of report.failures) console.log(`  ✗ ${f}`);
      process.exitCode = 1;
    }
  }
}
