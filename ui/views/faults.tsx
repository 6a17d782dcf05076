// Fault rules: the ones in force (remove one, or all) and a form to add one.

import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import type { FaultRule } from '../types.ts';
import { ErrorBox, Field, Loading, Section, useAction, useLoad, useUi, inputValue } from '../ui.tsx';

const ACTIONS = ['error', 'delay', 'reset', 'timeout', 'commit_then_drop'] as const;

interface Form {
  method: string;
  path: string;
  action: FaultRule['action'];
  status: string;
  code: string;
  message: string;
  delay_ms: string;
  delay_max_ms: string;
  count: string;
  probability: string;
  customer_uid: string;
  merchant_uid: string;
}

const EMPTY: Form = {
  method: '',
  path: '/subscribe/payments/again',
  action: 'error',
  status: '503',
  code: '-1',
  message: '',
  delay_ms: '1000',
  delay_max_ms: '',
  count: '1',
  probability: '',
  customer_uid: '',
  merchant_uid: '',
};

/** The rule as the API takes it: empty fields left out, numbers as numbers, only the action's own fields. */
function ruleOf(f: Form): Record<string, unknown> {
  const n = (v: string) => (v.trim() === '' ? undefined : Number(v));
  const s = (v: string) => (v.trim() === '' ? undefined : v.trim());
  return {
    method: s(f.method),
    path: f.path.trim(),
    action: f.action,
    ...(f.action === 'error' ? { status: n(f.status), code: n(f.code), message: s(f.message) } : {}),
    ...(f.action === 'delay' ? { delay_ms: n(f.delay_ms), delay_max_ms: n(f.delay_max_ms) } : {}),
    count: n(f.count),
    probability: n(f.probability),
    customer_uid: s(f.customer_uid),
    merchant_uid: s(f.merchant_uid),
  };
}

export function FaultsView() {
  const { t } = useUi();
  const act = useAction();
  const list = useLoad(() => api<FaultRule[]>('GET', '/__mock/faults'), []);
  const [form, setForm] = useState<Form>(EMPTY);
  const set = (name: keyof Form) => (e: Event) => setForm({ ...form, [name]: inputValue(e) });

  return (
    <div class="grid">
      <Section
        title={t('faults.rules')}
        id="faults-title"
        actions={
          <button
            type="button"
            class="danger"
            disabled={(list.data ?? []).length === 0}
            onClick={() =>
              act(async () => {
                const r = await api<{ deleted: number }>('DELETE', '/__mock/faults');
                return t('faults.cleared', { n: r.deleted });
              })
            }
          >
            {t('faults.clearAll')}
          </button>
        }
      >
        <p class="muted small">{t('faults.note')}</p>
        <Loading when={list.loading && !list.data} />
        <ErrorBox error={list.error} />
        {list.data && list.data.length === 0 ? <p class="muted">{t('common.none')}</p> : null}
        {list.data && list.data.length > 0 ? (
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">id</th>
                  <th scope="col">{t('faults.method')}</th>
                  <th scope="col">{t('faults.path')}</th>
                  <th scope="col">{t('faults.action')}</th>
                  <th scope="col">{t('faults.fired')}</th>
                  <th scope="col">
                    <span class="sr-only">{t('common.delete')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((f) => (
                  <tr key={f.id}>
                    <td>{f.id}</td>
                    <td>{f.method ?? '*'}</td>
                    <td>
                      <code>{f.path}</code>
                      {f.customer_uid ? <div class="small">customer_uid={f.customer_uid}</div> : null}
                      {f.merchant_uid ? <div class="small">merchant_uid={f.merchant_uid}</div> : null}
                    </td>
                    <td>
                      {f.action}
                      {f.action === 'error' ? ` ${f.status ?? 500} · code ${f.code ?? -1}` : ''}
                      {f.action === 'delay'
                        ? ` ${f.delay_ms ?? 0}${f.delay_max_ms ? `–${f.delay_max_ms}` : ''} ms`
                        : ''}
                      {f.message ? <div class="small">{f.message}</div> : null}
                      {f.probability !== undefined ? <div class="small">p={f.probability}</div> : null}
                    </td>
                    <td>
                      {f.fired}
                      {f.count ? ` / ${f.count}` : ''}
                    </td>
                    <td>
                      <button
                        type="button"
                        aria-label={`${t('common.delete')} #${f.id}`}
                        onClick={() =>
                          act(async () => {
                            await api('DELETE', `/__mock/faults/${f.id}`);
                            return t('faults.removed', { id: f.id });
                          })
                        }
                      >
                        {t('common.delete')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Section>
      <Section title={t('faults.add')} id="faults-add">
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              const rule = await api<FaultRule>('POST', '/__mock/faults', { body: ruleOf(form) });
              return t('faults.added', { id: rule.id });
            });
          }}
        >
          <Field label={t('faults.method')}>
            <select name="method" value={form.method} onChange={set('method')}>
              {['', 'GET', 'POST', 'PUT', 'DELETE'].map((m) => (
                <option key={m} value={m}>
                  {m || t('faults.anyMethod')}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('faults.path')} wide>
            <input name="path" required value={form.path} onInput={set('path')} />
          </Field>
          <Field label={t('faults.action')}>
            <select name="action" value={form.action} onChange={set('action')}>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {t(`faults.action.${a}`)}
                </option>
              ))}
            </select>
          </Field>
          {form.action === 'error' ? (
            <>
              <Field label={t('faults.httpStatus')}>
                <input name="status" type="number" min={200} max={599} value={form.status} onInput={set('status')} />
              </Field>
              <Field label={t('faults.code')}>
                <input name="code" type="number" value={form.code} onInput={set('code')} />
              </Field>
              <Field label={t('faults.message')} wide>
                <input name="message" value={form.message} onInput={set('message')} placeholder="일시적인 오류" />
              </Field>
            </>
          ) : null}
          {form.action === 'delay' ? (
            <>
              <Field label={t('faults.delay')}>
                <input name="delay_ms" type="number" min={0} value={form.delay_ms} onInput={set('delay_ms')} />
              </Field>
              <Field label={t('faults.delayMax')}>
                <input
                  name="delay_max_ms"
                  type="number"
                  min={0}
                  value={form.delay_max_ms}
                  onInput={set('delay_max_ms')}
                />
              </Field>
            </>
          ) : null}
          <Field label={t('faults.count')}>
            <input name="count" type="number" min={1} value={form.count} onInput={set('count')} />
          </Field>
          <Field label={t('faults.probability')}>
            <input
              name="probability"
              type="number"
              min={0}
              max={1}
              step="0.05"
              value={form.probability}
              onInput={set('probability')}
            />
          </Field>
          <Field label={t('faults.customerUid')}>
            <input name="customer_uid" value={form.customer_uid} onInput={set('customer_uid')} />
          </Field>
          <Field label={t('faults.merchantUid')}>
            <input name="merchant_uid" value={form.merchant_uid} onInput={set('merchant_uid')} />
          </Field>
          <div class="buttons">
            <button type="submit" class="primary">
              {t('faults.submit')}
            </button>
          </div>
        </form>
      </Section>
    </div>
  );
}
