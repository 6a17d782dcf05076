// Webhook deliveries with every attempt (HTTP status or error, latency, body), and resending one.

import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import type { WebhookDelivery } from '../types.ts';
import {
  Badge,
  ErrorBox,
  Field,
  Json,
  Loading,
  Section,
  TimeMs,
  href,
  inputValue,
  useAction,
  useLoad,
  useUi,
} from '../ui.tsx';

export function WebhookList({ list }: { list: WebhookDelivery[] }) {
  const { t } = useUi();
  const act = useAction();
  if (list.length === 0) return <p class="muted">{t('common.empty')}</p>;
  return (
    <ul class="deliveries">
      {list.map((w) => {
        const last = w.attempts.at(-1);
        return (
          <li key={w.id} class="delivery" data-webhook-id={w.id}>
            <div class="delivery-head">
              <strong>#{w.id}</strong> <Badge status={w.state} /> <Badge status={w.body.status} />{' '}
              <a href={href('payments', w.body.imp_uid)}>{w.body.imp_uid}</a>{' '}
              <span class="muted">{w.body.merchant_uid}</span>
              <span class="muted small">
                {' '}
                · {t('webhooks.created')} <TimeMs ms={w.created_at_ms} /> ({t('common.realTime')})
              </span>
              <button
                type="button"
                class="resend"
                onClick={() =>
                  act(async () => {
                    await api('POST', `/__mock/webhooks/${w.id}/resend`);
                    return t('webhooks.resent', { id: w.id });
                  })
                }
              >
                {t('webhooks.resend')}
              </button>
            </div>
            <div class="muted small">
              {t('webhooks.url')}: <code>{w.url}</code> · {t('webhooks.attempts')}: {w.attempts.length}
              {last ? ` · ${last.status ?? last.error} · ${last.duration_ms} ms` : ''}
            </div>
            <details>
              <summary>
                {t('webhooks.attempts')} ({w.attempts.length}) · {t('webhooks.body')}
              </summary>
              {w.attempts.length === 0 ? (
                <p class="muted">{t('webhooks.noAttempt')}</p>
              ) : (
                <div class="scroll">
                  <table class="attempts">
                    <thead>
                      <tr>
                        <th scope="col">{t('webhooks.attempt')}</th>
                        <th scope="col">{t('webhooks.at')}</th>
                        <th scope="col">{t('webhooks.httpStatus')}</th>
                        <th scope="col">{t('webhooks.error')}</th>
                        <th scope="col" class="num">
                          {t('webhooks.latency')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {w.attempts.map((a, i) => (
                        <tr key={a.at_ms}>
                          <td>{i + 1}</td>
                          <td>
                            <TimeMs ms={a.at_ms} />
                          </td>
                          <td class={a.status !== null && a.status < 300 ? 'ok' : 'bad'}>{a.status ?? '—'}</td>
                          <td>{a.error ?? ''}</td>
                          <td class="num">{a.duration_ms} ms</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Json value={w.body} />
            </details>
          </li>
        );
      })}
    </ul>
  );
}

const STATES = ['', 'pending', 'delivered', 'failed'] as const;

export function WebhooksView() {
  const { t } = useUi();
  const [state, setState] = useState('');
  // The delivery log's own state filter (GET /__mock/webhooks?state=).
  const list = useLoad(
    () => api<WebhookDelivery[]>('GET', '/__mock/webhooks', { query: { limit: 200, state } }),
    [state],
  );
  return (
    <Section
      title={t('nav.webhooks')}
      id="webhooks-title"
      actions={
        <button type="button" onClick={list.reload}>
          {t('common.refresh')}
        </button>
      }
    >
      <div class="filters">
        <Field label={t('webhooks.state')}>
          <select name="state" value={state} onChange={(e) => setState(inputValue(e))}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s ? t(`status.${s}`) : t('common.all')}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Loading when={list.loading && !list.data} />
      <ErrorBox error={list.error} />
      {list.data ? <WebhookList list={list.data} /> : null}
    </Section>
  );
}
