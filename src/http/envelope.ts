// The one envelope helper: every answer of the iamport API is { code, message, response }.

import { setImmediate as nextTurn } from 'node:timers/promises';

// A type, not an interface: it is then assignable to the Record<string, unknown> fastify's serializers take.
export type Envelope<T> = {
  code: number;
  message: string | null;
  response: T | null;
};

/** A success: code 0, message null (as the live API answers, not "success"). */
export function ok<T>(response: T): Envelope<T> {
  return { code: 0, message: null, response };
}

/** The content type of every answer (fastify's own for serialized JSON). */
export const JSON_TYPE = 'application/json; charset=utf-8';

const OK_HEAD = Buffer.from('{"code":0,"message":null,"response":');
const OK_TAIL = Buffer.from('}');

/** A success whose response is UTF-8 JSON already (a stored view): the same envelope, as the answer's bytes. */
export function okJson(responseJson: Buffer): Buffer {
  return Buffer.concat([OK_HEAD, responseJson, OK_TAIL], OK_HEAD.length + responseJson.length + 1);
}

const OK_LIST_HEAD = `${OK_HEAD.toString()}[`;
const OK_LIST_TAIL = ']}';

/**
 * A success whose response is a long list, serialized by the route's own serializer (`serialize`, of `ok(list)`) a
 * slice per event-loop turn and sent as bytes: the same text as one serialization of the whole list, without
 * holding every other request for all of it (10,000 schedules are ~4 MB of JSON).
 */
export async function okListInSlices<T>(
  items: readonly T[],
  size: number,
  serialize: (doc: Record<string, unknown>) => string,
): Promise<Buffer> {
  const parts: Buffer[] = [Buffer.from(OK_LIST_HEAD)];
  for (let from = 0; from < items.length; from += size) {
    if (from > 0) {
      await nextTurn();
      parts.push(Buffer.from(','));
    }
    const text = serialize(ok(items.slice(from, from + size)));
    if (!text.startsWith(OK_LIST_HEAD) || !text.endsWith(OK_LIST_TAIL))
      throw new Error(`a list envelope serialized as ${text.slice(0, 60)}…`);
    parts.push(Buffer.from(text.slice(OK_LIST_HEAD.length, -OK_LIST_TAIL.length)));
  }
  parts.push(Buffer.from(OK_LIST_TAIL));
  return Buffer.concat(parts);
}

/** A failure: a non-zero code, a message and no response. */
export function failure(code: number, message: string): Envelope<null> {
  return { code, message, response: null };
}
