// The merchant clock, always in view: its time (ticking unless frozen), moves of +1 day, +1 month or to a date,
// freezing, and what ran because of the last move.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { addMonthsKst, fromKstInput, kst, span, toKstInput } from '../format.ts';
import type { ClockView, Overview, Paged, Schedule } from '../types.ts';
import { Badge, Money, Time, errorText, href, useId, useUi, inputValue } from '../ui.tsx';

interface Ran {
  summary: ClockView;
  schedules: Schedule[];
}

export function ClockBar({ overview }: { overview: Overview | undefined }) {
  const { t, notify, bump } = useUi();
  const [tick, setTick] = useState(Date.now());
  const [target, setTarget] = useState('');
  const [ran, setRan] = useState<Ran | null>(null);
  const [busy, setBusy] = useState(false);
  const dateId = useId('clock-date');
  const fetchedAt = useFetchedAt(overview);

  useEffect(() => {
    const timer = setInterval(() => setTick(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  if (!overview) return <div class="clock" aria-busy="true" />;
  const { clock } = overview;
  const now = clock.frozen ? clock.now : clock.now + Math.floor((tick - fetchedAt) / 1000);

  /** Moves the clock; `body` may depend on the server's now (a calendar month from exactly then). */
  const move = async (body: Record<string, unknown> | ((before: number) => Record<string, unknown>)) => {
    setBusy(true);
    try {
      const before = (await api<ClockView>('GET', '/__mock/clock')).now;
      const summary = await api<ClockView>('POST', '/__mock/clock', {
        body: typeof body === 'function' ? body(before) : body,
      });
      // What ran: the executed schedules whose time the clock passed.
      const schedules =
        summary.executed.ran > 0
          ? (
              await api<Paged<Schedule>>('GET', '/subscribe/payments/schedule', {
                query: {
                  schedule_from: before,
                  schedule_to: summary.now + 1,
                  schedule_status: 'executed',
                  sorting: 'schedule_at',
                  limit: 100,
                },
              })
            ).list
          : [];
      setRan({ summary, schedules });
      notify('ok', t('clock.moved', { now: kst(summary.now), ...summary.executed }));
      bump();
    } catch (e) {
      notify('error', errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="clock" aria-label={t('clock.label')}>
      <div class="clock-now">
        <span class="muted">{t('clock.label')}</span>
        <strong>
          <Time unix={now} /> KST
        </strong>
        <span class="muted">
          {t('clock.ahead', { span: span(clock.offset) })}
          {clock.frozen ? ` · ${t('clock.frozen')}` : ''}
        </span>
      </div>
      <div class="clock-actions">
        <button type="button" disabled={busy} onClick={() => move({ advance: 86400 })}>
          {t('clock.plusDay')}
        </button>
        <button type="button" disabled={busy} onClick={() => move((before) => ({ set: addMonthsKst(before, 1) }))}>
          {t('clock.plusMonth')}
        </button>
        <button type="button" disabled={busy} onClick={() => move({ frozen: !clock.frozen })}>
          {clock.frozen ? t('clock.unfreeze') : t('clock.freeze')}
        </button>
        <form
          class="inline clock-to"
          onSubmit={(e) => {
            e.preventDefault();
            const set = fromKstInput(target);
            if (set === null) notify('error', t('clock.badDate'));
            else void move({ set });
          }}
        >
          <label for={dateId}>{t('clock.toDate')}</label>
          <input
            id={dateId}
            type="datetime-local"
            min={toKstInput(now)}
            value={target}
            onInput={(e) => setTarget(inputValue(e))}
          />
          <button type="submit" disabled={busy}>
            {t('clock.go')}
          </button>
        </form>
      </div>
      {ran && ran.schedules.length > 0 ? (
        <div class="ran" aria-live="polite">
          <div class="card-head">
            <h2>{t('clock.ranTitle')}</h2>
            <button type="button" class="link" onClick={() => setRan(null)}>
              {t('clock.dismiss')}
            </button>
          </div>
          <ul>
            {ran.schedules.map((s) => (
              <li key={s.merchant_uid}>
                <Time unix={s.schedule_at} /> · <a href={href('customers', s.customer_uid)}>{s.customer_uid}</a> ·{' '}
                <Money value={s.amount} currency={s.currency} /> ·{' '}
                {s.imp_uid ? (
                  <a href={href('payments', s.imp_uid)}>
                    <Badge status={s.payment_status ?? 'executed'} />
                  </a>
                ) : (
                  <Badge status={s.schedule_status} />
                )}{' '}
                {s.fail_reason ? <span class="reason">{s.fail_reason}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

/** When the overview (and so the clock reading) arrived, to tick the clock on from there. */
function useFetchedAt(overview: Overview | undefined): number {
  const [at, setAt] = useState(Date.now());
  useEffect(() => setAt(Date.now()), [overview]);
  return at;
}
