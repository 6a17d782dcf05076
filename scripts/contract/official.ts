// The official V1 Swagger document turned into JSON Schemas for ajv: $refs and allOf resolved, the deliberate
// differences applied, and every property an official object defines made required (so a missing field fails).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/config.js';
import { DELIBERATE, type SwaggerSchema } from './deliberate.js';

export const OFFICIAL_SWAGGER =
  process.env.IAMPORT_V1_SWAGGER ?? path.join(PACKAGE_ROOT, '..', 'shared', 'reference', 'iamport-v1.swagger.json');

export interface SwaggerDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { schema?: SwaggerSchema }> }>>;
  definitions: Record<string, SwaggerSchema>;
}

export type JsonSchema = Record<string, unknown>;

/** The official document, or null when ../shared is not beside the repository. */
export function loadOfficial(file = OFFICIAL_SWAGGER): SwaggerDocument | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SwaggerDocument) : null;
}

const NUMERIC_KEYWORDS = ['maxLength', 'minLength', 'minimum', 'maximum', 'maxItems', 'minItems'] as const;

const nullableProps = new Set(DELIBERATE.flatMap((d) => (d.kind === 'nullable' ? [d.where] : [])));
const danglingAllowed = new Set(DELIBERATE.flatMap((d) => (d.kind === 'dangling-required' ? [d.where] : [])));
const nullableStrings = DELIBERATE.some((d) => d.kind === 'nullable-strings');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class OfficialSchemas {
  /** Official `required` entries that name no property, by definition (reported, and an error unless deliberate). */
  readonly dangling = new Map<string, string[]>();

  constructor(private readonly doc: SwaggerDocument) {}

  /** The official definition's property names (allOf parts merged). */
  propertiesOf(name: string): string[] {
    return Object.keys(
      (this.convert({ $ref: `#/definitions/${name}` }, []).properties as Record<string, unknown>) ?? {},
    );
  }

  /** The response schema of an official operation for a status, with the deliberate overrides. */
  responseSchema(method: string, officialPath: string, status: number): JsonSchema | undefined {
    const key = `${method.toUpperCase()} ${officialPath}`;
    const override = DELIBERATE.find((d) => d.kind === 'response' && d.operations.includes(key));
    if (override && override.kind === 'response') return this.convert(override.schema, []);
    const op = this.doc.paths[officialPath]?.[method.toLowerCase()];
    const schema = op?.responses?.[String(status)]?.schema;
    return schema ? this.convert(schema, []) : undefined;
  }

  /** Swagger 2.0 → JSON Schema (draft-07 keywords only); `owner` is the chain of definitions being expanded. */
  convert(schema: SwaggerSchema, owner: string[], propertyOf?: string): JsonSchema {
    const ref = schema.$ref;
    if (typeof ref === 'string') {
      const name = ref.replace('#/definitions/', '');
      const target = this.doc.definitions[name];
      if (!target) throw new Error(`the official document has no definition ${name}`);
      if (owner.includes(name)) return {}; // a cycle: accept anything below
      const out = this.convert(target, [...owner, name], propertyOf);
      return { ...out, $comment: name };
    }
    if (Array.isArray(schema.allOf)) return this.mergeAllOf(schema.allOf as SwaggerSchema[], owner, propertyOf);

    const out: JsonSchema = {};
    const defName = owner.at(-1);
    const properties = isRecord(schema.properties) ? (schema.properties as Record<string, SwaggerSchema>) : undefined;
    let type = schema.type as string | undefined;
    if (!type && properties) type = 'object';
    if (type) {
      const nullable =
        (type === 'string' && nullableStrings) || (propertyOf !== undefined && nullableProps.has(propertyOf));
      out.type = nullable ? [type, 'null'] : type;
      if (nullable && Array.isArray(schema.enum)) out.enum = [...schema.enum, null];
    }
    if (!out.enum && Array.isArray(schema.enum)) out.enum = schema.enum;
    for (const k of NUMERIC_KEYWORDS) if (schema[k] !== undefined) out[k] = Number(schema[k]);
    if (isRecord(schema.items)) out.items = this.convert(schema.items as SwaggerSchema, owner);
    if (properties) {
      out.properties = Object.fromEntries(
        Object.entries(properties).map(([p, s]) => [
          p,
          this.convert(s, owner, defName ? `${defName}.${p}` : undefined),
        ]),
      );
      const names = Object.keys(properties);
      const official = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      const dangling = official.filter((r) => !names.includes(r));
      if (dangling.length > 0 && defName) this.dangling.set(defName, dangling);
      // Every property the official object defines must be present in our answer.
      out.required = names;
    }
    return out;
  }

  private mergeAllOf(parts: SwaggerSchema[], owner: string[], propertyOf?: string): JsonSchema {
    const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
    for (const part of parts) {
      const c = this.convert(part, owner, propertyOf);
      Object.assign(merged.properties as object, c.properties ?? {});
      merged.required = [...new Set([...(merged.required as string[]), ...((c.required as string[]) ?? [])])];
    }
    return merged;
  }

  /** Dangling required entries that no deliberate difference accounts for. */
  unexplainedDangling(): string[] {
    return [...this.dangling.entries()]
      .filter(([name]) => !danglingAllowed.has(name))
      .map(([name, r]) => `${name}: ${r.join(', ')}`);
  }
}
