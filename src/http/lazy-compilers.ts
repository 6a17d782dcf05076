// Schema compilers that compile a route's validator and serializer on its first request instead of at start-up,
// and validators that also apply the input rules JSON Schema cannot say (input-rules.ts).
// Compiling every schema eagerly cost about 0.8 s of a 1.3 s start; a test suite's first call pays ~20 ms instead.

import ValidatorSelector from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';
import { numbersAsSent, saneValue } from './input-rules.js';

type Validate = ((data: unknown) => unknown) & { errors?: unknown };

function lazyValidators(build: (...args: never[]) => (route: never) => Validate) {
  return (...args: Parameters<typeof build>) => {
    // The compiler itself (an Ajv instance with its meta-schemas) is made on the first request too.
    let compile: ReturnType<typeof build> | undefined;
    return (route: Parameters<ReturnType<typeof build>>[0]) => {
      let fn: Validate | undefined;
      const schema = (route as { schema?: unknown }).schema;
      const validate: Validate = (data) => {
        compile ??= build(...args);
        const run: Validate = (fn ??= compile(route));
        // Before ajv, which coerces in place: afterwards "0x10" would already be 16.
        const asSent = numbersAsSent(schema, data);
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
