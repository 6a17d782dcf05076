// Schema compilers for fastify: a route's validator and serializer are made on its first request, not at start-up,
// from the code `npm run build` compiled ahead of time when it has it (scripts/compile-schemas.mjs writes one file
// per route and schema into dist/schema-code/), else by Ajv and fast-json-stringify as usual. Validators also apply
// the input rules JSON Schema cannot say (input-rules.ts).
// Compiling every schema eagerly cost about 0.8 s of a 1.3 s start; compiling on first use still cost each test file
// of a user's suite ~25 ms for the Ajv instance plus a few ms per route; code compiled ahead costs ~0.3 ms a route.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyServerOptions } from 'fastify';
import { PACKAGE_ROOT } from '../config.js';
import { numbersAsSent, saneValue } from './input-rules.js';

type Validate = ((data: unknown) => unknown) & { errors?: unknown };
type Serialize = (doc: unknown) => string;
type Kind = 'validator' | 'serializer';

/** What fastify passes to a compiler for one schema of one route. */
export interface RouteSchema {
  schema: unknown;
  method: string;
  url: string;
  httpPart?: string;
  httpStatus?: string;
  contentType?: string;
}

/** The factory arguments fastify gives a compiler factory (external schemas, Ajv or serializer options). */
export type FactoryArgs = unknown[];

/** Where `npm run build` writes the schemas it compiled ahead of time, one CommonJS file each. */
export const SCHEMA_CODE_DIR = path.join(PACKAGE_ROOT, 'dist', 'schema-code');

/**
 * The file name of one compiled schema: a hash of everything its code depends on (the schema and the compiler's
 * options; routes with equal schemas share a file), so a schema or option changed since the build finds no file
 * and is compiled at run time instead.
 */
export function schemaCodeFile(kind: Kind, route: RouteSchema, args: FactoryArgs): string {
  const text = JSON.stringify([kind, route.schema, args]);
  return `${createHash('sha256').update(text).digest('hex').slice(0, 32)}.cjs`;
}

// A local name, not `require`: the bundler leaves these loads to run time (and outside the start-up bundle).
const load = createRequire(import.meta.url);

/** How many schemas this process took compiled ahead, and how many it had to compile itself. */
export const schemaCompiles = { ahead: 0, runtime: 0 };

/** A route's schema as code: the file compiled ahead for it, else what the runtime compiler makes of it. */
function compiled<T>(kind: Kind, route: RouteSchema, args: FactoryArgs, runtime: () => (route: RouteSchema) => T): T {
  const file = path.join(SCHEMA_CODE_DIR, schemaCodeFile(kind, route, args));
  if (existsSync(file)) {
    schemaCompiles.ahead++;
    return load(file) as T;
  }
  schemaCompiles.runtime++;
  return runtime()(route);
}

/** Receives every schema a route registers (scripts/compile-schemas.mjs compiles them ahead with it). */
type Recorder = (kind: Kind, route: RouteSchema, args: FactoryArgs) => void;
let recorder: Recorder | undefined;

/** Hands every schema of the routes registered from now on to `record` (the build's schema compiler). */
export function recordSchemas(record: Recorder | undefined): void {
  recorder = record;
}

/** Ajv through fastify's own compiler, loaded on the first schema that has no code compiled ahead. */
function runtimeValidators(args: FactoryArgs): (route: RouteSchema) => Validate {
  const selector = load('@fastify/ajv-compiler') as () => (...a: FactoryArgs) => (route: RouteSchema) => Validate;
  return selector()(...args);
}

function runtimeSerializers(args: FactoryArgs): (route: RouteSchema) => Serialize {
  const selector = load('@fastify/fast-json-stringify-compiler') as () => (
    ...a: FactoryArgs
  ) => (route: RouteSchema) => Serialize;
  return selector()(...args);
}

function lazyValidators(...args: FactoryArgs) {
  // The runtime compiler (an Ajv instance with its meta-schemas) is made only if a schema needs it.
  let compile: ((route: RouteSchema) => Validate) | undefined;
  return (route: RouteSchema) => {
    recorder?.('validator', route, args);
    let fn: Validate | undefined;
    const validate: Validate = (data) => {
      const run = (fn ??= compiled('validator', route, args, () => (compile ??= runtimeValidators(args))));
      // Before ajv, which coerces in place: afterwards "0x10" would already be 16.
      const asSent = numbersAsSent(route.schema, data);
      if (asSent) {
        validate.errors = [asSent];
        return false;
      }
      const result = run(data);
      // fastify reads the failures from the function it was given.
      validate.errors = run.errors;
      if (result === true) {
        const problem = saneValue(data);
        if (problem) {
          validate.errors = [problem];
          return false;
        }
      }
      return result;
    };
    return validate;
  };
}

function lazySerializers(...args: FactoryArgs) {
  let compile: ((route: RouteSchema) => Serialize) | undefined;
  return (route: RouteSchema) => {
    recorder?.('serializer', route, args);
    let fn: Serialize | undefined;
    return (doc: unknown) =>
      (fn ??= compiled('serializer', route, args, () => (compile ??= runtimeSerializers(args))))(doc);
  };
}

export const lazySchemaController = {
  compilersFactory: { buildValidator: lazyValidators, buildSerializer: lazySerializers },
} as unknown as FastifyServerOptions['schemaController'];
