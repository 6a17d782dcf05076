// The one exception the control handle throws: the iamport envelope the mock answered with, and its HTTP status.

import type { Static, TUnknown } from '@sinclair/typebox';
import { IamportError } from '../domain/errors.js';
import type { Envelope } from '../schemas/common.js';

/** `{ code, message, response }` as the mock answers it. */
export type AnyEnvelope = Static<ReturnType<typeof Envelope<TUnknown>>>;

/**
 * A control call that did not succeed: the mock answered a non-200 status or a non-zero `code`, a webhook wait
 * timed out (status 200, code 0, `envelope.response.timed_out` true), or no answer came at all (status 0, the
 * network error as `cause`, and an envelope made up in the mock's own shape so callers read one thing).
 * It is the server's IamportError seen from the client: `code`, `message` and `statusCode` mean the same.
 */
export class MockControlError extends IamportError {
  /** The HTTP status (0: no answer). Same as `statusCode`. */
  readonly status: number;
  readonly envelope: AnyEnvelope;
  /** The request that failed, e.g. `POST /__mock/clock`. */
  readonly request: string;

  constructor(request: string, status: number, envelope: AnyEnvelope, options?: { cause?: unknown; message?: string }) {
    const message = options?.message ?? envelope.message ?? `code ${envelope.code}`;
    super(envelope.code, message, status);
    this.name = 'MockControlError';
    this.status = status;
    this.envelope = envelope;
    this.request = request;
    if (options?.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause });
  }
}
