// The request journal: filter by method, path pattern, time, HTTP status and an id the request names; each entry's
// redacted request and response.

import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { fromKstInput } from '../format.ts';
import type { JournalEntry } from '../types.ts';
import { ErrorBox, Field, Json, Loading, Section, TimeMs, useAction, useLoad, useUi, inputValue } from '../ui.tsx';

const METHODS = ['', 'GET', 'POST', 'PUT', 'DELETE'];
/** The ids the journal can look for in a request's path, query, body or answer. */
const ID_FIELDS = ['merchant_uid', 'customer_uid', 'imp_uid'] as const;

export function JournalView() {
  const { t } = useUi();
  const act = useAction();
  const empty = {
    method: '',
    path: '',
    since: '',
    until: '',
    status: '',
    idField: 'merchant_uid',
    id: '',
    limit: '50',
  };
  const [form, setForm] = useState(empty);
  const [applied, setApplied] = useState(empty);
  const list = useLoad(() => {
    const since = applied.since ? fromKstInput(applied.since) : null;
    const until = applied.until ? fromKstInput(applied.until) : null;
    return api<{ total: number; list: JournalEntry[] }>('GET', '/__mock/journal', {
      query: {
        method: applied.method,
        path: applied.path,
        since_ms: since === null ? undefined : since * 1000,
        until_ms: until === null ? undefined : until * 1000 + 999,
        status: applied.status.trim(),
        [applied.idField]: applied.id.trim(),
        limit: applied.limit,
      },
    });
  }, [JSON.stringify(applied)]);
  const set = (name: keyof typeof form) => (e: Event) => setForm({ ...form, [name]: inputValue(e) });

  return (
    <Section
      title={t('nav.journal')}
      id="journal-title"
      actions={
        <>
          <button type="button" onClick={list.reload}>
            {t('common.refresh')}
          </button>
          <button
            type="button"
            class="danger"
            onClick={() =>
              act(async () => {
                const r = await api<{ cleared: number }>('DELETE', '/__mock/journal');
                return t('journal.cleared', { n: r.cleared });
              })
            }
          >
            {t('journal.clear')}
          </button>
        </>
      }
    >
      <p class="muted small">{t('journal.note')}</p>
      <form
        class="filters"
        aria-label={t('payments.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(form);
        }}
      >
        <Field label={t('journal.method')}>
          <select name="method" value={form.method} onChange={set('method')}>
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {m || t('common.all')}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('journal.path')}>
          <input name="path" value={form.path} onInput={set('path')} placeholder="/subscribe/payments/*" />
        </Field>
        <Field label={t('journal.since')}>
          <input name="since" type="datetime-local" value={form.since} onInput={set('since')} />
        </Field>
        <Field label={t('journal.until')}>
          <input name="until" type="datetime-local" value={form.until} onInput={set('until')} />
        </Field>
        <Field label={t('journal.httpStatus')}>
          <input
            name="status"
            type="number"
            min="100"
            max="599"
            inputMode="numeric"
            value={form.status}
            onInput={set('status')}
          />
        </Field>
        <Field label={t('journal.idField')}>
          <select name="id_field" value={form.idField} onChange={set('idField')}>
            {ID_FIELDS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('journal.id')}>
          <input name="id" value={form.id} onInput={set('id')} />
        </Field>
        <Field label={t('journal.limit')}>
          <select name="limit" value={form.limit} onChange={set('limit')}>
            {['20', '50', '200', '1000'].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </Field>
        <div class="buttons">
          <button type="submit" class="primary">
            {t('common.apply')}
          </button>
          <button
            type="button"
            onClick={() => {
              setForm(empty);
              setApplied(empty);
            }}
          >
            {t('common.clear')}
          </button>
        </div>
      </form>
      <Loading when={list.loading && !list.data} />
      <ErrorBox error={list.error} />
      {list.data ? (
        <>
          <p class="muted small">{t('journal.shown', { shown: list.data.list.length, total: list.data.total })}</p>
          {list.data.list.length === 0 ? (
            <p class="muted">{t('common.empty')}</p>
          ) : (
            <ul class="journal">
              {[...list.data.list].reverse().map((e) => (
                <li key={e.id}>
                  <details>
                    <summary>
                      <TimeMs ms={e.at_ms} /> <strong>{e.method}</strong> <code>{e.path}</code>{' '}
                      <span class={e.status < 300 && e.code === 0 ? 'ok' : 'bad'}>
                        {e.status}
                        {e.code === null ? '' : ` · code ${e.code}`}
                      </span>{' '}
                      <span class="muted">{e.duration_ms} ms</span>
                      {e.tier_code ? <span class="muted"> · Tier {e.tier_code}</span> : null}
                    </summary>
                    {e.query && Object.keys(e.query as object).length > 0 ? (
                      <>
                        <h3>{t('journal.query')}</h3>
                        <Json value={e.query} />
                      </>
                    ) : null}
                    <h3>{t('journal.request')}</h3>
                    <Json value={e.request} />
                    <h3>{t('journal.response')}</h3>
                    <Json value={e.response} />
                  </details>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </Section>
  );
}
