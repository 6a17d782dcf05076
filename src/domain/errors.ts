// The one error class: every failure the API answers with carries an iamport `code`, a message and an HTTP status.

export class IamportError extends Error {
  readonly code: number;
  readonly statusCode: number;

  constructor(code: number, message: string, statusCode = 200) {
    super(message);
    this.name = 'IamportError';
    this.code = code;
    this.statusCode = statusCode;
  }
}

/** A request the mock cannot accept as sent (validation, malformed body, bad parameters). */
export function badRequest(message: string, statusCode = 400): IamportError {
  return new IamportError(-1, message, statusCode);
}

/** Missing, unknown or expired credentials. */
export function unauthorized(message = 'Unauthorized'): IamportError {
  return new IamportError(-1, message, 401);
}
