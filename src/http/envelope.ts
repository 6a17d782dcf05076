// The one envelope helper: every answer of the iamport API is { code, message, response }.

export interface Envelope<T> {
  code: number;
  message: string | null;
  response: T | null;
}

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

/** A failure: a non-zero code, a message and no response. */
export function failure(code: number, message: string): Envelope<null> {
  return { code, message, response: null };
}
