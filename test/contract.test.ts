// Fidelity to PortOne's official V1 Swagger document: a full flow on a live server, every answer validated against
// its operation's official response schema with every official property present (deliberate differences aside).

import t from 'tap';
import {
  checkObservations,
  loadOfficial,
  runFlow,
  DELIBERATE,
  IMPLEMENTED_OPERATIONS,
  type Observation,
} from '../scripts/contract.js';
import { OFFICIAL_SWAGGER } from '../scripts/contract/official.js';
import { startServer } from './helpers.js';

const official = loadOfficial();

if (!official) {
  t.comment(`skipping the contract check: the official Swagger document is not at ${OFFICIAL_SWAGGER}`);
  t.pass('skipped: ../shared/reference is absent');
} else {
  const doc = official;
  let flow: Observation[] = [];

  t.before(async () => {
    // The flow runs once on one live server; the tests below look at its answers.
    const server = await startServer(t);
    flow = await runFlow(server.url);
  });

  t.test('every answer of the full flow conforms to the official response schemas', async (t) => {
    const report = checkObservations(doc, flow);
    t.strictSame(report.failures, [], 'no contract failures');
    t.strictSame(report.missing, {}, 'no official property is missing from any answer');
    t.strictSame(report.extras, [], 'no property outside the official objects');
    t.ok(report.checked >= IMPLEMENTED_OPERATIONS.length, `${report.checked} answers checked`);
    for (const name of [
      'AuthAnnotation',
      'PgSettingAnnotation',
      'CustomerAnnotation',
      'PaymentAnnotation',
      'PaymentCancelAnnotation',
      'PagedPaymentAnnotation',
      'ScheduleResultAnnotation',
      'PaymentBalanceResponseAnnotation',
      'PaymentPrepareAnnotation',
      'StandardCodeAnnotation',
    ]) {
      t.ok(report.objects.includes(name), `answers were checked as ${name}`);
    }
  });

  t.test('the flow exercises every implemented iamport operation, with answers that carry data', async (t) => {
    const ops = new Set(flow.map((o) => `${o.method} ${o.operation}`));
    for (const op of IMPLEMENTED_OPERATIONS) t.ok(ops.has(op), `exercised: ${op}`);
    const statuses = flow.filter((o) => o.operation === '/payments/status/{payment_status}');
    t.ok(
      statuses.some((o) => (o.body as any).response.list.length > 0),
      'a status list with payments in it',
    );
    const executed = flow.find((o) => o.step === 'read an executed schedule');
    t.equal((executed?.body as any)?.response.payment_status, 'paid', 'an executed schedule is checked too');
    const declined = flow.find((o) => o.step === 'again, declined');
    t.equal((declined?.body as any)?.response.status, 'failed', 'a declined payment is checked too');
    t.ok(
      flow.some((o) => o.status === 207),
      'a partial multi-read (207) is checked too',
    );
  });

  t.test('the checker fails on a missing official field, a wrong type and an unexpected null', async (t) => {
    const paid = flow.find((o) => o.step === 'again, paid')!;
    const body = structuredClone(paid.body) as any;
    delete body.response.promotion;
    delete body.response.card_issuer_code;
    body.response.amount = '9900';
    body.response.paid_at = null;
    const report = checkObservations(doc, [{ ...paid, body }]);
    t.strictSame(
      report.missing,
      { PaymentAnnotation: ['card_issuer_code', 'promotion'] },
      'the missing fields, by official object',
    );
    t.ok(
      report.failures.some(
        (f) =>
          /PaymentAnnotation\/response\/amount: must be number/.test(f) || /\/response\/amount: must be number/.test(f),
      ),
      'a string amount fails',
    );
    t.ok(
      report.failures.some((f) => /\/response\/paid_at: must be integer/.test(f)),
      'a null integer fails (only strings are nullable)',
    );

    const customer = flow.find((o) => o.step === 'read a billing key')!;
    const noUpdated = structuredClone(customer.body) as any;
    delete noUpdated.response.updated;
    t.strictSame(checkObservations(doc, [{ ...customer, body: noUpdated }]).missing, {
      CustomerAnnotation: ['updated'],
    });

    const list = flow.find((o) => o.step === 'schedules by time range')!;
    const asArray = { ...(list.body as object), response: (list.body as any).response.list };
    t.ok(
      checkObservations(doc, [{ ...list, body: asArray }]).failures.length > 0,
      'a schedule list must be paged (deliberate difference)',
    );
  });

  t.test('the deliberate differences are the ones docs/contract-differences.md lists', async (t) => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../docs/contract-differences.md', import.meta.url), 'utf8');
    for (const d of DELIBERATE) t.ok(text.includes(d.where), `documented: ${d.where}`);
  });
}
