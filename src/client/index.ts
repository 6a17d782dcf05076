// The `iamport-mock/client` entry: connectMock(url) drives a mock running elsewhere (Docker, another process)
// through the same MockControl interface as `mock.control` in process. Loads no server code.

import { randomUUID } from 'node:crypto';
import { createControl } from './control.js';
import { fetchTransport } from './transport.js';
import type { ConnectOptions, MockControl } from './types.js';

export { MockControlError, type AnyEnvelope } from './errors.js';
export { DEFAULT_SECRET } from './control.js';
export type * from './types.js';

/** A handle on the mock at `url` (e.g. http://127.0.0.1:8080). Makes no request until a method is called. */
export function connectMock(url: string, options: ConnectOptions = {}): MockControl {
  return createControl(fetchTransport(url, options.fetch), url.replace(/\/+$/, ''), options.adminToken);
}

/** An imp_key no other test uses: with open mode, `control.merchant(uniqueKey())` is a fresh, empty merchant. */
export function uniqueKey(prefix = 'test'): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}
