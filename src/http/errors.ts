// Maps every error — ours, validation, body parsing, unknown routes — onto the iamport envelope and an HTTP status.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { IamportError } from '../domain/errors.js';
import { invalidParameter, missingParameter } from '../domain/messages.js';
import { failure } from './envelope.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The message a route answers when a required body field is missing (the live API's own text). */
    missingFieldMessage?: string;
  }
}

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/schedules/0/amount` → `schedules[0].amount` */
function fieldName(instancePath: string, missing?: unknown): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (typeof missing === 'string') parts.push(missing);
  return parts.reduce((name, p) => (/^\d+$/.test(p) ? `${name}[${p}]` : name ? `${name}.${p}` : p), '');
}

function validationMessage(error: FastifyError, request: FastifyRequest): string {
  const first = (error.validation as AjvError[] | undefined)?.[0];
  if (!first) return error.message;
  if (first.keyword === 'type' && first.instancePath === '' && error.validationContext === 'body') {
    // No body at all: the same answer as a body with the required fields missing.
    return request.routeOptions.config.missingFieldMessage ?? '요청 본문(body)이 필요합니다.';
  }
  const field = fieldName(first.instancePath, first.params.missingProperty) || error.validationContext || 'request';
  if (first.keyword === 'required') {
    return request.routeOptions.config.missingFieldMessage ?? missingParameter(field);
  }
  const allowed = first.params.allowedValues as unknown[] | undefined;
  const detail = allowed ? `허용되는 값: ${allowed.join(', ')}` : first.message;
  return invalidParameter(field, String(detail));
}

const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded'];
const UNSUPPORTED_TYPE = '지원하지 않는 Content-Type입니다.';

/** Messages for fastify's own client errors, by their error code. */
const FASTIFY_MESSAGES: Record<string, (e: FastifyError) => string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => '요청 본문이 올바른 JSON이 아닙니다.',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'Content-Type이 application/json인 요청의 본문이 비어 있습니다.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => `${UNSUPPORTED_TYPE} ${BODY_TYPES.join(' 또는 ')}로 요청하세요.`,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => '요청 본문의 길이가 Content-Length와 다릅니다.',
  FST_ERR_CTP_BODY_TOO_LARGE: () => '요청 본문이 허용된 크기를 넘습니다.',
  FST_ERR_CTP_INVALID_TYPE: () => 'Content-Type 헤더가 올바르지 않습니다.',
  FST_ERR_BAD_URL: () => '요청 경로가 올바르지 않습니다.',
  FST_ERR_ASYNC_CONSTRAINT: () => '요청을 처리할 수 없습니다.',
};

export function toEnvelope(
  error: FastifyError | IamportError,
  request: FastifyRequest,
): { status: number; code: number; message: string } {
  if (error instanceof IamportError) return { status: error.statusCode, code: error.code, message: error.message };
  if (error.validation) return { status: 400, code: -1, message: validationMessage(error, request) };
  const status = error.statusCode;
  const missingFieldMessage = request.routeOptions.config?.missingFieldMessage;
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' && missingFieldMessage) {
    // An empty JSON body is a body with the required fields missing: the route's own answer.
    return { status: 400, code: -1, message: missingFieldMessage };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    const known = error.code ? FASTIFY_MESSAGES[error.code] : undefined;
    return { status, code: -1, message: known ? known(error) : error.message };
  }
  return { status: 500, code: -1, message: '서버 내부 오류가 발생했습니다.' };
}

/**
 * Fastify's `frameworkErrors` server option: errors raised before routing (a URL that cannot be decoded,
 * an over-long path parameter) bypass the error handler, so they get the envelope here.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, code, message } = toEnvelope(error, request);
  // An IamportError is an answer the code chose (a 503 at shutdown…); anything else at 5xx is a fault of ours.
  if (status >= 500 && !(error instanceof IamportError)) request.log.error({ err: error }, 'unhandled error');
  return reply.status(status).send(failure(code, message));
}

/**
 * Fastify's `clientErrorHandler`: a request that is not even valid HTTP (bad request line, oversized headers,
 * conflicting Content-Length) never reaches routing; it still gets the envelope, then the connection closes.
 */
export function clientErrors(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431
      ? '요청 헤더가 너무 큽니다.'
      : status === 408
        ? '요청이 시간 안에 끝나지 않았습니다.'
        : '요청을 HTTP로 해석할 수 없습니다.';
  const body = JSON.stringify(failure(-1, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

async function errorsPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(frameworkErrors);

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return reply.status(404).send(failure(-1, `존재하지 않는 API입니다. (${request.method} ${path})`));
  });
}

export default fp(errorsPlugin, { name: 'iamport-errors' });
