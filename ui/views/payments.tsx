// Payments: search by status, merchant_uid, customer_uid and time; one payment with its cancel history, a full or
// partial cancel, the webhooks it caused and, for a failed renewal, retrying its schedule.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { amount, fromKstInput } from '../format.ts';
import type { Paged, Payment, WebhookDelivery } from '../types.ts';
import {
  Badge,
  ErrorBox,
  Field,
  Json,
  Loading,
  Money,
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
import { WebhookList } from './webhooks.tsx';

const PAGE = 20;
const STATUSES = ['paid', 'failed', 'cancelled', 'ready'] as const;

export function PaymentsView({ route }: { route: Route }) {
  return route.id ? <PaymentDetail impUid={route.id} /> : <PaymentSearch route={route} />;
}

/** The time a payment list shows: when it reached its status. */
function statusTime(p: Payment): number {
  return p.status === 'paid'
    ? p.paid_at
    : p.status === 'failed'
      ? p.failed_at
      : p.status === 'cancelled'
        ? p.cancelled_at
        : p.started_at;
}

export function PaymentRows({ list }: { list: Payment[] }) {
  const { t } = useUi();
  if (list.length === 0) return <p class="muted">{t('common.empty')}</p>;
  return (
    <div class="scroll">
      <table class="payments stack">
        <thead>
          <tr>
            <th scope="col">{t('payments.time')}</th>
            <th scope="col">{t('payments.impUid')}</th>
            <th scope="col">{t('payments.merchantUid')}</th>
            <th scope="col">{t('payments.customerUid')}</th>
            <th scope="col" class="num">
              {t('payments.amount')}
            </th>
            <th scope="col">{t('payments.status')}</th>
            <th scope="col">{t('payments.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((p) => (
            <tr key={p.imp_uid} data-imp-uid={p.imp_uid}>
              <td data-label={t('payments.time')}>
                <Time unix={statusTime(p)} />
              </td>
              <td data-label={t('payments.impUid')}>
                <a href={href('payments', p.imp_uid)}>{p.imp_uid}</a>
              </td>
              <td data-label={t('payments.merchantUid')}>{p.merchant_uid}</td>
              <td data-label={t('payments.customerUid')}>
                {p.customer_uid ? <a href={href('customers', p.customer_uid)}>{p.customer_uid}</a> : '—'}
              </td>
              <td data-label={t('payments.amount')} class="num">
                <Money value={p.amount} currency={p.currency} />
                {p.cancel_amount > 0 ? (
                  <div class="muted small">
                    −<Money value={p.cancel_amount} currency={p.currency} />
                  </div>
                ) : null}
              </td>
              <td data-label={t('payments.status')}>
                <Badge status={p.status} />
              </td>
              <td data-label={t('payments.reason')} class="reason">
                {p.fail_reason ?? p.cancel_reason ?? ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PaymentSearch({ route }: { route: Route }) {
  const { t } = useUi();
  const p = route.params;
  const filters = {
    status: p.get('status') ?? '',
    merchant_uid: p.get('merchant_uid') ?? '',
    customer_uid: p.get('customer_uid') ?? '',
    from: p.get('from') ?? '',
    to: p.get('to') ?? '',
  };
  const page = Number(p.get('page') ?? 1) || 1;
  const [form, setForm] = useState(filters);
  const key = JSON.stringify(filters);
  useEffect(() => setForm(filters), [key]);
  const list = useLoad(
    () =>
      api<Paged<Payment>>('GET', '/__mock/payments', {
        query: {
          status: filters.status,
          merchant_uid: filters.merchant_uid,
          customer_uid: filters.customer_uid,
          from: filters.from ? fromKstInput(filters.from) : undefined,
          to: filters.to ? fromKstInput(filters.to) : undefined,
          page,
          limit: PAGE,
        },
      }),
    [key, page],
  );
  const set = (name: keyof typeof form) => (e: Event) => setForm({ ...form, [name]: inputValue(e) });

  return (
    <Section title={t('nav.payments')} id="payments-title">
      <form
        class="filters"
        aria-label={t('payments.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = href('payments', null, form);
        }}
      >
        <Field label={t('payments.status')}>
          <select name="status" value={form.status} onChange={set('status')}>
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)} ({s})
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('payments.merchantUid')}>
          <input name="merchant_uid" value={form.merchant_uid} onInput={set('merchant_uid')} placeholder="order_*" />
        </Field>
        <Field label={t('payments.customerUid')}>
          <input name="customer_uid" value={form.customer_uid} onInput={set('customer_uid')} />
        </Field>
        <Field label={t('payments.from')}>
          <input name="from" type="datetime-local" value={form.from} onInput={set('from')} />
        </Field>
        <Field label={t('payments.to')}>
          <input name="to" type="datetime-local" value={form.to} onInput={set('to')} />
        </Field>
        <div class="buttons">
          <button type="submit" class="primary">
            {t('common.apply')}
          </button>
          <a class="button" href={href('payments')}>
            {t('common.clear')}
          </a>
        </div>
      </form>
      <Loading when={list.loading && !list.data} />
      <ErrorBox error={list.error} />
      {list.data ? (
        <>
          <PaymentRows list={list.data.list} />
          {list.data.total > PAGE ? (
            <Pager
              page={page}
              total={list.data.total}
              limit={PAGE}
              onPage={(n) => (location.hash = href('payments', null, { ...filters, page: String(n) }))}
            />
          ) : null}
        </>
      ) : null}
    </Section>
  );
}

function PaymentDetail({ impUid }: { impUid: string }) {
  const { t } = useUi();
  const payment = useLoad(() => api<Payment>('GET', `/payments/${encodeURIComponent(impUid)}`), [impUid]);
  const webhooks = useLoad(
    () => api<WebhookDelivery[]>('GET', '/__mock/webhooks', { query: { imp_uid: impUid, limit: 1000 } }),
    [impUid],
  );
  const p = payment.data;
  const balance = p ? p.amount - p.cancel_amount : 0;

  return (
    <div class="grid">
      <p>
        <a href={href('payments')}>← {t('nav.payments')}</a>
      </p>
      <Loading when={payment.loading && !p} />
      <ErrorBox error={payment.error} />
      {p ? (
        <>
          <Section title={t('payments.detail', { imp_uid: p.imp_uid })} id="payment-title">
            <dl class="facts">
              <dt>{t('payments.status')}</dt>
              <dd>
                <Badge status={p.status} />
              </dd>
              <dt>{t('payments.merchantUid')}</dt>
              <dd>
                <code>{p.merchant_uid}</code>
              </dd>
              <dt>{t('payments.name')}</dt>
              <dd>{p.name ?? '—'}</dd>
              <dt>{t('payments.amount')}</dt>
              <dd>
                <Money value={p.amount} currency={p.currency} />
              </dd>
              <dt>{t('payments.cancelled')}</dt>
              <dd>
                <Money value={p.cancel_amount} currency={p.currency} />
              </dd>
              <dt>{t('payments.balance')}</dt>
              <dd>
                <Money value={balance} currency={p.currency} />
              </dd>
              <dt>{t('payments.customerUid')}</dt>
              <dd>{p.customer_uid ? <a href={href('customers', p.customer_uid)}>{p.customer_uid}</a> : '—'}</dd>
              <dt>{t('payments.usage')}</dt>
              <dd>{p.customer_uid_usage ?? '—'}</dd>
              <dt>{t('customers.card')}</dt>
              <dd>
                <code>{p.card_number ?? '—'}</code> {p.card_name ?? ''}
              </dd>
              <dt>{t('payments.pg')}</dt>
              <dd>
                {p.pg_provider}.{p.pg_id} <span class="muted">{p.pg_tid ?? ''}</span>
              </dd>
              <dt>{t('payments.started')}</dt>
              <dd>
                <Time unix={p.started_at} />
              </dd>
              <dt>{t('payments.paidAt')}</dt>
              <dd>
                <Time unix={p.paid_at} />
              </dd>
              <dt>{t('payments.failedAt')}</dt>
              <dd>
                <Time unix={p.failed_at} />
              </dd>
              <dt>{t('payments.cancelledAt')}</dt>
              <dd>
                <Time unix={p.cancelled_at} />
              </dd>
              {p.fail_reason ? (
                <>
                  <dt>{t('payments.failReason')}</dt>
                  <dd class="reason">{p.fail_reason}</dd>
                </>
              ) : null}
              {p.receipt_url ? (
                <>
                  <dt>{t('payments.receipt')}</dt>
                  <dd>
                    <a href={p.receipt_url} rel="noreferrer noopener" target="_blank">
                      receipt_url
                    </a>
                  </dd>
                </>
              ) : null}
            </dl>
            {p.status === 'failed' && p.customer_uid_usage === 'payment.scheduled' ? <RetrySchedule p={p} /> : null}
            <details>
              <summary>{t('common.raw')}</summary>
              <Json value={p} />
            </details>
          </Section>
          <Section title={t('payments.cancelHistory')} id="payment-cancels">
            {p.cancel_history.length === 0 ? (
              <p class="muted">{t('common.none')}</p>
            ) : (
              <div class="scroll">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('payments.cancelledAt')}</th>
                      <th scope="col">{t('payments.cancellationId')}</th>
                      <th scope="col" class="num">
                        {t('payments.amount')}
                      </th>
                      <th scope="col">{t('payments.reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.cancel_history.map((c) => (
                      <tr key={c.cancellation_id}>
                        <td>
                          <Time unix={c.cancelled_at} />
                        </td>
                        <td>
                          <code>{c.cancellation_id}</code>
                        </td>
                        <td class="num">
                          <Money value={c.amount} currency={p.currency} />
                        </td>
                        <td>{c.reason}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {balance > 0 && (p.status === 'paid' || p.status === 'cancelled') ? (
              <CancelForm p={p} balance={balance} />
            ) : null}
          </Section>
          <Section
            title={t('payments.webhooks')}
            id="payment-webhooks"
            actions={
              <button type="button" onClick={webhooks.reload}>
                {t('common.refresh')}
              </button>
            }
          >
            <ErrorBox error={webhooks.error} />
            {webhooks.data ? <WebhookList list={webhooks.data} /> : null}
          </Section>
        </>
      ) : null}
    </div>
  );
}

function CancelForm({ p, balance }: { p: Payment; balance: number }) {
  const { t } = useUi();
  const act = useAction();
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [webhook, setWebhook] = useState(true);
  return (
    <form
      class="row"
      aria-label={t('payments.cancelForm')}
      onSubmit={(e) => {
        e.preventDefault();
        const partial = value.trim() === '' ? undefined : Number(value);
        const done = act(async () => {
          const cancelled = await api<Payment>('POST', '/payments/cancel', {
            body: {
              imp_uid: p.imp_uid,
              ...(partial === undefined ? {} : { amount: partial }),
              checksum: balance,
              reason: reason || undefined,
              enable_webhook: webhook,
            },
          });
          const last = cancelled.cancel_history.at(-1);
          return t('payments.cancelDone', { amount: amount(last?.amount ?? balance, p.currency) });
        });
        // A new balance: the next cancel starts from an empty form.
        void done.then((ok) => {
          if (!ok) return;
          setValue('');
          setReason('');
        });
      }}
    >
      <h3 class="sr-only">{t('payments.cancelForm')}</h3>
      <Field label={t('payments.cancelAmount')}>
        <input
          name="cancel_amount"
          type="number"
          min={1}
          max={balance}
          inputMode="numeric"
          placeholder={String(balance)}
          value={value}
          onInput={(e) => setValue(inputValue(e))}
        />
      </Field>
      <Field label={t('payments.cancelReason')} wide>
        <input name="cancel_reason" value={reason} onInput={(e) => setReason(inputValue(e))} />
      </Field>
      <label class="check">
        <input
          type="checkbox"
          checked={webhook}
          onChange={(e) => setWebhook((e.currentTarget as HTMLInputElement).checked)}
        />{' '}
        {t('payments.cancelWebhook')}
      </label>
      <button type="submit" class="danger">
        {t('payments.cancelSubmit')}
      </button>
    </form>
  );
}

function RetrySchedule({ p }: { p: Payment }) {
  const { t } = useUi();
  const act = useAction();
  return (
    <p>
      <button
        type="button"
        class="primary"
        onClick={() =>
          act(async () => {
            const paid = await api<Payment>(
              'POST',
              `/subscribe/payments/schedule/${encodeURIComponent(p.merchant_uid)}/retry`,
            );
            location.hash = href('payments', paid.imp_uid);
            return t('payments.retried', { status: t(`status.${paid.status}`) });
          })
        }
      >
        {t('payments.retrySchedule', { merchant_uid: p.merchant_uid })}
      </button>
    </p>
  );
}
