// The paged list shape { total, previous, next, list } with 1-based page numbers and 0 for "none".

import { badRequest } from './errors.js';
import { REQUEST } from './messages.js';

export interface Paged<T> {
  total: number;
  previous: number;
  next: number;
  list: T[];
}

export interface PageRequest {
  page: number;
  limit: number;
}

export function pageWindow({ page, limit }: PageRequest): { limit: number; offset: number } {
  return { limit, offset: (page - 1) * limit };
}

export function paged<T>(total: number, { page, limit }: PageRequest, list: T[]): Paged<T> {
  return { total, previous: page > 1 ? page - 1 : 0, next: page * limit < total ? page + 1 : 0, list };
}

/** A page past the last one is an error (page 1 of an empty list is not). */
export function assertPageExists(total: number, { page, limit }: PageRequest): void {
  if (page > 1 && (page - 1) * limit >= total) {
    throw badRequest(REQUEST.pageMissing(page, total, limit));
  }
}

const LIST_TAIL = Buffer.from(']}');

/** The same shape as UTF-8 JSON around a list's items that are UTF-8 JSON already, joined by commas. */
export function pagedJson(total: number, request: PageRequest, joinedItems: Buffer): Buffer {
  const { previous, next } = paged(total, request, []);
  const head = Buffer.from(`{"total":${total},"previous":${previous},"next":${next},"list":[`);
  return Buffer.concat([head, joinedItems, LIST_TAIL], head.length + joinedItems.length + LIST_TAIL.length);
}
