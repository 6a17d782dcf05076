// Customers and their billing keys: the list with what each key's next charge will do, and one key's page with its
// scripted outcomes (make the next charges fail with a catalogue reason, or succeed), schedules and payments.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import type { CustomerSummary, Outcome, Paged, Payment, PredictedCharge, Schedule, TestCard } from '../types.ts';
import {
  Badge,
  ErrorBox,
  Field,
  Loading,
  Pager,
  Section,
  Time,
  href,
  useAction,
  useLoad,
  useUi,
  inputValue,
  type Route,
} from '../ui.tsx';
import { PaymentRows } from './payments.tsx';
import { ScheduleRows } from './schedules.tsx';

const PAGE = 20;

export function CustomersView({ route }: { route: Route }) {
  return route.id ? <Customer uid={route.id} /> : <CustomerList route={route} />;
}

const DECIDED_BY = {
  order_paid: 'customers.byOrderPaid',
  order_script: 'customers.byOrderScript',
  script: 'customers.byScript',
  card: 'customers.byCard',
} as const;

/** What a charge to come will get (a key's next charge, or its next schedule's execution), and what decides it. */
export function NextCharge({ charge: n }: { charge: PredictedCharge }) {
  const { t } = useUi();
  const by = n.decided_by ? t(DECIDED_BY[n.decided_by]) : '';
  return (
    <span class={n.status === 'failed' ? 'will-fail' : 'will-pay'}>
      <Badge status={n.status} />{' '}
      {n.status === 'failed' ? t('customers.willFail', { reason: n.fail_reason ?? '' }) : t('customers.willSucceed')}
      {by ? <span class="muted"> ({by})</span> : null}
    </span>
  );
}

/** A key's next renewal: its time, and what it will get when an order's own rule (not the key's) decides it. */
function NextSchedule({ s }: { s: NonNullable<CustomerSummary['next_schedule']> }) {
  const ownRule = s.outcome.decided_by === 'order_paid' || s.outcome.decided_by === 'order_script';
  return (
    <>
      <Time unix={s.schedule_at} />
      {ownRule ? (
        <>
          {' '}
          <NextCharge charge={s.outcome} />
        </>
      ) : null}
    </>
  );
}

function CustomerList({ route }: { route: Route }) {
  const { t } = useUi();
  const search = route.params.get('search') ?? '';
  const page = Number(route.params.get('page') ?? 1) || 1;
  const [text, setText] = useState(search);
  useEffect(() => setText(search), [search]);
  const list = useLoad(
    () => api<Paged<CustomerSummary>>('GET', '/__mock/customers', { query: { search, page, limit: PAGE } }),
    [search, page],
  );

  return (
    <Section title={t('nav.customers')} id="customers-title">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = href('customers', null, { search: text.trim() });
        }}
      >
        <Field label={t('customers.search')} wide>
          <input name="search" type="search" value={text} onInput={(e) => setText(inputValue(e))} />
        </Field>
        <button type="submit">{t('common.apply')}</button>
      </form>
      <Loading when={list.loading && !list.data} />
      <ErrorBox error={list.error} />
      {list.data ? (
        list.data.total === 0 ? (
          <p class="muted">{t('common.empty')}</p>
        ) : (
          <>
            <div class="scroll">
              <table class="customers stack">
                <thead>
                  <tr>
                    <th scope="col">{t('customers.uid')}</th>
                    <th scope="col">{t('customers.name')}</th>
                    <th scope="col">{t('customers.card')}</th>
                    <th scope="col">{t('customers.nextCharge')}</th>
                    <th scope="col">{t('customers.nextRenewal')}</th>
                    <th scope="col" class="num">
                      {t('customers.payments')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.list.map((c) => (
                    <tr key={c.customer_uid} data-customer={c.customer_uid}>
                      <td data-label={t('customers.uid')}>
                        <a href={href('customers', c.customer_uid)}>{c.customer_uid}</a>
                      </td>
                      <td data-label={t('customers.name')}>{c.customer_name ?? '—'}</td>
                      <td data-label={t('customers.card')}>
                        <code>{c.card_number}</code> <span class="muted">{c.card_name}</span>
                      </td>
                      <td data-label={t('customers.nextCharge')}>
                        <NextCharge charge={c.next_charge} />
                      </td>
                      <td data-label={t('customers.nextRenewal')}>
                        {c.next_schedule ? <NextSchedule s={c.next_schedule} /> : '—'}
                      </td>
                      <td data-label={t('customers.payments')} class="num">
                        {c.payments}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {list.data.total > PAGE ? (
              <Pager
                page={page}
                total={list.data.total}
                limit={PAGE}
                onPage={(p) => (location.hash = href('customers', null, { search, page: String(p) }))}
              />
            ) : null}
          </>
        )
      ) : null}
    </Section>
  );
}

function Customer({ uid }: { uid: string }) {
  const { t } = useUi();
  const key = useLoad(async () => {
    const page = await api<Paged<CustomerSummary>>('GET', '/__mock/customers', { query: { search: uid, limit: 100 } });
    return page.list.find((c) => c.customer_uid === uid) ?? null;
  }, [uid]);
  const schedules = useLoad(
    () =>
      api<Paged<Schedule>>('GET', `/subscribe/customers/${encodeURIComponent(uid)}/schedules`, {
        query: { from: 0, to: 99_999_999_999 },
      }),
    [uid],
  );
  const payments = useLoad(
    () => api<Paged<Payment>>('GET', `/subscribe/customers/${encodeURIComponent(uid)}/payments`),
    [uid],
  );
  const c = key.data;

  return (
    <div class="grid">
      <p>
        <a href={href('customers')}>← {t('nav.customers')}</a>
      </p>
      <Loading when={key.loading && c === undefined} />
      <ErrorBox error={key.error} />
      {c === null ? <p class="error">{t('customers.notFound', { uid })}</p> : null}
      {c ? (
        <>
          <Section title={`${t('customers.key')}: ${c.customer_uid}`} id="customer-key">
            <dl class="facts">
              <dt>{t('customers.name')}</dt>
              <dd>{c.customer_name ?? '—'}</dd>
              <dt>{t('customers.card')}</dt>
              <dd>
                <code>{c.card_number}</code>
              </dd>
              <dt>{t('customers.cardCompany')}</dt>
              <dd>
                {c.card_name ?? '—'} {c.card_code ? <span class="muted">({c.card_code})</span> : null}
              </dd>
              <dt>{t('customers.expiry')}</dt>
              <dd>{c.card_expiry}</dd>
              <dt>PG</dt>
              <dd>
                {c.pg_provider}.{c.pg_id}
              </dd>
              <dt>{t('customers.testCard')}</dt>
              <dd>{c.card_decline_reason ?? t('customers.goodCard')}</dd>
              <dt>{t('customers.nextCharge')}</dt>
              <dd>
                <NextCharge charge={c.next_charge} />
              </dd>
            </dl>
          </Section>
          <Outcomes c={c} />
        </>
      ) : null}
      <Section title={t('customers.schedules')} id="customer-schedules">
        <ErrorBox error={schedules.error} />
        {schedules.data ? <ScheduleRows list={schedules.data.list} /> : null}
      </Section>
      <Section title={t('customers.paymentsOf')} id="customer-payments">
        <ErrorBox error={payments.error} />
        {payments.data ? <PaymentRows list={payments.data.list} /> : null}
      </Section>
    </div>
  );
}

function Outcomes({ c }: { c: CustomerSummary }) {
  const { t } = useUi();
  const act = useAction();
  const cards = useLoad(() => api<TestCard[]>('GET', '/__mock/test-cards'), []);
  const reasons = (cards.data ?? []).filter((card) => card.kind === 'charge_fail').map((card) => card.reason);
  const [reason, setReason] = useState('');
  const [count, setCount] = useState(1);
  const chosen = reason || reasons[0] || '';
  const path = `/__mock/customers/${encodeURIComponent(c.customer_uid)}/outcomes`;

  const script = (outcomes: Outcome[]) =>
    act(async () => {
      const left = await api<Outcome[]>('PUT', path, { body: { outcomes } });
      return t('customers.scriptSaved', { n: left.length });
    });

  return (
    <Section title={t('customers.script')} id="customer-script">
      {c.outcomes.length === 0 ? (
        <p class="muted">{t('customers.scriptEmpty')}</p>
      ) : (
        <ol class="outcomes">
          {c.outcomes.map((o, i) => (
            <li key={i}>
              <Badge status={o.status} /> {o.fail_reason ?? ''}
            </li>
          ))}
        </ol>
      )}
      <form
        class="row"
        aria-label={t('customers.outcomeForm')}
        onSubmit={(e) => {
          e.preventDefault();
          void script(Array.from({ length: count }, () => ({ status: 'failed', fail_reason: chosen })));
        }}
      >
        <Field label={t('customers.reason')} wide>
          <select name="fail_reason" value={chosen} onChange={(e) => setReason(inputValue(e))}>
            {reasons.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('customers.count')}>
          <input
            name="count"
            type="number"
            min={1}
            max={100}
            value={count}
            onInput={(e) => setCount(Math.max(1, Math.min(100, Number(inputValue(e)) || 1)))}
          />
        </Field>
        <button type="submit" class="danger" disabled={!chosen}>
          {t('customers.makeFail')}
        </button>
        <button
          type="button"
          class="primary"
          onClick={() => script(Array.from({ length: count }, () => ({ status: 'paid' })))}
        >
          {t('customers.makeSucceed')}
        </button>
        <button
          type="button"
          disabled={c.outcomes.length === 0}
          onClick={() =>
            act(async () => {
              await api('DELETE', path);
              return t('customers.scriptCleared');
            })
          }
        >
          {t('customers.clearScript')}
        </button>
      </form>
    </Section>
  );
}
