// Scheduled payments by view: due in the next 7 days, all pending, failed, executed, revoked; a failed or revoked
// one can be run again now.

import { api } from '../api.ts';
import type { Overview, Paged, Payment, Schedule } from '../types.ts';
import {
  Badge,
  ErrorBox,
  Field,
  Loading,
  Money,
  Section,
  Time,
  href,
  useAction,
  useLoad,
  useUi,
  inputValue,
  type Route,
} from '../ui.tsx';

const VIEWS = ['due', 'scheduled', 'failed', 'executed', 'revoked', 'all'] as const;
type View = (typeof VIEWS)[number];
const WEEK = 7 * 86400;
const FAR = 99_999_999_999;

export function ScheduleRows({ list }: { list: Schedule[] }) {
  const { t } = useUi();
  const act = useAction();
  if (list.length === 0) return <p class="muted">{t('common.empty')}</p>;
  return (
    <div class="scroll">
      <table class="schedules stack">
        <thead>
          <tr>
            <th scope="col">{t('schedules.at')}</th>
            <th scope="col">{t('payments.merchantUid')}</th>
            <th scope="col">{t('payments.customerUid')}</th>
            <th scope="col" class="num">
              {t('payments.amount')}
            </th>
            <th scope="col">{t('schedules.status')}</th>
            <th scope="col">{t('schedules.payment')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((s) => {
            const failed = s.schedule_status === 'revoked' || s.payment_status === 'failed';
            return (
              <tr key={s.merchant_uid} data-merchant-uid={s.merchant_uid}>
                <td data-label={t('schedules.at')}>
                  <Time unix={s.schedule_at} />
                </td>
                <td data-label={t('payments.merchantUid')}>
                  {s.merchant_uid}
                  <div class="muted small">{s.name}</div>
                </td>
                <td data-label={t('payments.customerUid')}>
                  <a href={href('customers', s.customer_uid)}>{s.customer_uid}</a>
                </td>
                <td data-label={t('payments.amount')} class="num">
                  <Money value={s.amount} currency={s.currency} />
                </td>
                <td data-label={t('schedules.status')}>
                  <Badge status={s.schedule_status} />
                  {s.fail_reason ? <div class="reason small">{s.fail_reason}</div> : null}
                </td>
                <td data-label={t('schedules.payment')}>
                  {s.imp_uid ? (
                    <a href={href('payments', s.imp_uid)}>
                      <Badge status={s.payment_status ?? 'executed'} /> {s.imp_uid}
                    </a>
                  ) : (
                    '—'
                  )}
                  {failed ? (
                    <div>
                      <button
                        type="button"
                        onClick={() =>
                          act(async () => {
                            const p = await api<Payment>(
                              'POST',
                              `/subscribe/payments/schedule/${encodeURIComponent(s.merchant_uid)}/retry`,
                            );
                            return t('schedules.retried', {
                              merchant_uid: s.merchant_uid,
                              status: t(`status.${p.status}`),
                            });
                          })
                        }
                      >
                        {t('schedules.retry')}
                      </button>
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function SchedulesView({ route }: { route: Route }) {
  const { t } = useUi();
  const view = (
    (VIEWS as readonly string[]).includes(route.params.get('view') ?? '') ? route.params.get('view') : 'due'
  ) as View;
  const list = useLoad(async () => {
    const now = (await api<Overview>('GET', '/__mock/overview')).clock.now;
    const query: Record<string, string | number> = { schedule_from: 0, schedule_to: FAR, limit: 1000 };
    if (view === 'due')
      Object.assign(query, { schedule_from: now, schedule_to: now + WEEK, schedule_status: 'scheduled' });
    else if (view === 'failed') query.schedule_status = 'executed';
    else if (view !== 'all') query.schedule_status = view;
    // Pending ones soonest first; the rest newest first.
    if (view === 'due' || view === 'scheduled') query.sorting = 'schedule_at';
    const page = await api<Paged<Schedule>>('GET', '/subscribe/payments/schedule', { query });
    return view === 'failed' ? page.list.filter((s) => s.payment_status === 'failed' || s.fail_reason) : page.list;
  }, [view]);

  return (
    <Section
      title={t('nav.schedules')}
      id="schedules-title"
      actions={
        <Field label={t('schedules.view')}>
          <select
            name="view"
            value={view}
            onChange={(e) => (location.hash = href('schedules', null, { view: inputValue(e) }))}
          >
            {VIEWS.map((v) => (
              <option key={v} value={v}>
                {t(v === 'due' ? 'schedules.dueSoon' : (`schedules.${v}` as const))}
              </option>
            ))}
          </select>
        </Field>
      }
    >
      <Loading when={list.loading && !list.data} />
      <ErrorBox error={list.error} />
      {list.data ? <ScheduleRows list={list.data} /> : null}
    </Section>
  );
}
