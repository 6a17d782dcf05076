// The merchant overview: who it is, its tiers, counts (each a link to the list behind it), PG settings, webhook URL
// and the fault rules in force.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { span } from '../format.ts';
import type { FaultRule, Overview, PgSetting } from '../types.ts';
import { ErrorBox, Field, Loading, Section, Time, href, useAction, useLoad, useUi, inputValue } from '../ui.tsx';

export function OverviewView() {
  const { t } = useUi();
  const overview = useLoad(() => api<Overview>('GET', '/__mock/overview'), []);
  const pg = useLoad(() => api<PgSetting[]>('GET', '/users/pg'), []);
  const faults = useLoad(() => api<FaultRule[]>('GET', '/__mock/faults'), []);
  const o = overview.data;

  return (
    <div class="grid">
      <Loading when={overview.loading && !o} />
      <ErrorBox error={overview.error} />
      {o ? (
        <>
          <Section title={t('overview.merchant')} id="ov-merchant">
            <dl class="facts">
              <dt>imp_key</dt>
              <dd>
                <code>{o.imp_key}</code>
              </dd>
              <dt>{t('overview.name')}</dt>
              <dd>{o.name ?? '—'}</dd>
              <dt>{t('clock.label')}</dt>
              <dd>
                <Time unix={o.clock.now} /> KST ({t('clock.ahead', { span: span(o.clock.offset) })}
                {o.clock.frozen ? `, ${t('clock.frozen')}` : ''})
              </dd>
              <dt>{t('overview.agency')}</dt>
              <dd>{o.agency ? t('common.yes') : t('common.no')}</dd>
              {o.agency ? (
                <>
                  <dt>{t('overview.tiers')}</dt>
                  <dd>{o.tiers.map((tier) => `${tier.tier_code} ${tier.tier_name}`).join(', ') || '—'}</dd>
                </>
              ) : null}
              {o.tier_code ? (
                <>
                  <dt>{t('overview.actingTier')}</dt>
                  <dd>
                    {o.tier_code} {o.tier_name ?? ''}
                  </dd>
                </>
              ) : null}
            </dl>
          </Section>
          <Section title={t('overview.counts')} id="ov-counts">
            <Counts o={o} />
          </Section>
          <Section title={t('overview.pg')} id="ov-pg">
            <ErrorBox error={pg.error} />
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">pg_provider</th>
                    <th scope="col">pg_id</th>
                    <th scope="col">{t('overview.sandbox')}</th>
                    <th scope="col">type</th>
                  </tr>
                </thead>
                <tbody>
                  {(pg.data ?? []).map((s, i) => (
                    <tr key={`${s.pg_provider}.${s.pg_id}.${s.type}`}>
                      <td>
                        {s.pg_provider}
                        {i === 0 ? <span class="badge">{t('overview.default')}</span> : null}
                      </td>
                      <td>{s.pg_id}</td>
                      <td>{s.sandbox ? t('common.yes') : t('common.no')}</td>
                      <td>{s.type}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Section>
          <WebhookUrl o={o} />
          <Section
            title={t('overview.faults')}
            id="ov-faults"
            actions={<a href={href('faults')}>{t('nav.faults')} →</a>}
          >
            <ErrorBox error={faults.error} />
            {(faults.data ?? []).length === 0 ? (
              <p class="muted">{t('common.none')}</p>
            ) : (
              <ul class="plain">
                {(faults.data ?? []).map((f) => (
                  <li key={f.id}>
                    #{f.id} {f.method ?? '*'} <code>{f.path}</code> → {f.action}
                    {f.status ? ` ${f.status}` : ''} ({t('faults.fired')} {f.fired}
                    {f.count ? `/${f.count}` : ''})
                  </li>
                ))}
              </ul>
            )}
          </Section>
        </>
      ) : null}
    </div>
  );
}

function Counts({ o }: { o: Overview }) {
  const { t } = useUi();
  const c = o.counts;
  const row = (label: string, items: [string, number, string][]) => (
    <tr>
      <th scope="row">{label}</th>
      <td>
        {items.map(([name, n, link], i) => (
          <span key={name}>
            {i > 0 ? ' · ' : ''}
            <a href={link}>
              {name} <strong>{n}</strong>
            </a>
          </span>
        ))}
      </td>
    </tr>
  );
  return (
    <table class="counts">
      <tbody>
        {row(t('overview.billingKeys'), [[t('common.all'), c.billing_keys, href('customers')]])}
        {row(
          t('overview.payments'),
          (['paid', 'failed', 'cancelled', 'ready'] as const).map((s) => [
            t(`status.${s}`),
            c.payments[s],
            href('payments', null, { status: s }),
          ]),
        )}
        {row(t('overview.schedules'), [
          [t('status.scheduled'), c.schedules.scheduled, href('schedules', null, { view: 'scheduled' })],
          [t('status.paid'), c.schedules.paid, href('schedules', null, { view: 'executed' })],
          [t('status.failed'), c.schedules.failed, href('schedules', null, { view: 'failed' })],
          [t('status.revoked'), c.schedules.revoked, href('schedules', null, { view: 'revoked' })],
        ])}
        {row(t('overview.webhooks'), [
          [t('status.pending'), c.webhooks.pending, href('webhooks')],
          [t('status.delivered'), c.webhooks.delivered, href('webhooks')],
          [t('status.failed'), c.webhooks.failed, href('webhooks')],
        ])}
        {row(t('overview.faults'), [[t('common.all'), c.faults, href('faults')]])}
        {row(t('overview.journal'), [[t('common.all'), c.journal, href('journal')]])}
      </tbody>
    </table>
  );
}

function WebhookUrl({ o }: { o: Overview }) {
  const { t } = useUi();
  const act = useAction();
  const [url, setUrl] = useState(o.webhook_url ?? '');
  useEffect(() => setUrl(o.webhook_url ?? ''), [o.webhook_url]);
  const save = (value: string | null) =>
    act(async () => {
      await api('PUT', '/__mock/webhook-url', { body: { url: value } });
      return t('overview.webhookUrlSaved');
    });
  return (
    <Section title={t('overview.webhookUrl')} id="ov-webhook">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void save(url.trim() || null);
        }}
      >
        <Field label={t('overview.webhookUrl')} wide>
          <input
            name="webhook_url"
            type="url"
            placeholder="http://127.0.0.1:3000/iamport/webhook"
            value={url}
            onInput={(e) => setUrl(inputValue(e))}
          />
        </Field>
        <button type="submit">{t('overview.webhookUrlSave')}</button>
        <button type="button" onClick={() => save(null)} disabled={!o.webhook_url}>
          {t('overview.webhookUrlRemove')}
        </button>
      </form>
      <p class="muted small">{t('overview.webhookUrlHelp', { url: o.server_webhook_url ?? t('common.none') })}</p>
    </Section>
  );
}
