// Schema compilers that compile a route's validator and serializer on its first request instead of at start-up,
// and validators that also refuse non-finite numbers and over-deep nesting.
// Compiling every schema eagerly cost about 0.8 s of a 1.3 s start; a test suite's first call pays ~20 ms instead.

import ValidatorSelector from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Validate = ((data: unknown) => unknown) & { errors?: unknown };

/** Deeper than this, a request part is refused (PHP-style forms stop at 8; no API object nests more than 4). */
export const MAX_DEPTH = 32;

interface Problem {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/**
 * What JSON Schema cannot say: a number must be finite (ajv coerces "1e400" to Infinity and then skips its
 * bounds) and a value must not nest deeper than MAX_DEPTH (it would overflow the stack further on).
 */
export function saneValue(value: unknown, path = '', depth = 0): Problem | null {
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? null
      : { keyword: 'finite', instancePath: path, params: {}, message: 'must be a finite number' };
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH)
    return {
      keyword: 'depth',
      instancePath: path,
      params: {},
      message: `must not nest deeper than ${MAX_DEPTH} levels`,
    };
  for (const [k, v] of Object.entries(value)) {
    const problem = saneValue(v, `${path}/${k}`, depth + 1);
    if (problem) return problem;
  }
  return null;
}

function lazyValidators(build: (...args: never[]) => (route: never) => Validate) {
  return (...args: Parameters<typeof build>) => {
    // The compiler itself (an Ajv instance with its meta-schemas) is made on the first request too.
    let compile: ReturnType<typeof build> | undefined;
    return (route: Parameters<ReturnType<typeof build>>[0]) => {
      let fn: Validate | undefined;
      const validate: Validate = (data) => {
        compile ??= build(...args);
        const run: Validate = (fn ??= compile(route));
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
  };
}

function lazySerializers(build: (...args: never[]) => (route: never) => (doc: unknown) => string) {
  return (...args: Parameters<typeof build>) => {
    let compile: ReturnType<typeof build> | undefined;
    return (route: Parameters<ReturnType<typeof build>>[0]) => {
      let fn: ((doc: unknown) => string) | undefined;
      return (doc: unknown) => (fn ??= (compile ??= build(...args))(route))(doc);
    };
  };
}

export const lazySchemaController = {
  compilersFactory: {
    buildValidator: lazyValidators(ValidatorSelector() as never),
    buildSerializer: lazySerializers(SerializerSelector() as never),
  },
} as unknown as FastifyServerOptions['schemaController'];
