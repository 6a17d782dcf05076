// The merchant's state: export it as fixtures YAML (a download), import a fixtures file, reset it; the admin's
// reset of everything.

import { useState } from 'preact/hooks';
import { adminResetAll, api, currentSession, hasAdminToken } from '../api.ts';
import { Field, Section, useAction, useUi } from '../ui.tsx';

/** Saves text as a file through a temporary object URL (nothing leaves the browser). */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function StateView() {
  const { t } = useUi();
  const act = useAction();
  const [file, setFile] = useState<File | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [confirmAll, setConfirmAll] = useState(false);
  const [preview, setPreview] = useState('');
  const session = currentSession();

  return (
    <div class="grid">
      <Section title={t('state.export')} id="state-export">
        <p class="muted">{t('state.exportHelp')}</p>
        <button
          type="button"
          class="primary"
          onClick={() =>
            act(async () => {
              const yaml = await api<string>('GET', '/__mock/state', { asText: true });
              const name = `${session?.impKey ?? 'merchant'}-state.yaml`;
              download(name, yaml);
              setPreview(yaml);
              return t('state.exported', { bytes: new TextEncoder().encode(yaml).length, file: name });
            })
          }
        >
          {t('state.exportButton')}
        </button>
        {preview ? (
          <details>
            <summary>YAML</summary>
            <pre class="json">{preview}</pre>
          </details>
        ) : null}
      </Section>
      <Section title={t('state.import')} id="state-import">
        <p class="muted">{t('state.importHelp')}</p>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              if (!file) throw new Error(t('state.noFile'));
              const text = await file.text();
              const json = /\.json$/i.test(file.name);
              const r = await api<Record<string, number>>('POST', '/__mock/state', {
                text: { body: text, type: json ? 'application/json' : 'application/yaml' },
              });
              return t('state.imported', r);
            });
          }}
        >
          <Field label={t('state.file')} wide>
            <input
              name="state_file"
              type="file"
              accept=".yaml,.yml,.json,application/yaml,application/json"
              onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)}
            />
          </Field>
          <button type="submit">{t('state.importButton')}</button>
        </form>
      </Section>
      <Section title={t('state.reset')} id="state-reset">
        <p class="muted">{t('state.resetHelp')}</p>
        {confirming ? (
          <p class="row">
            <button
              type="button"
              class="danger"
              onClick={() =>
                act(async () => {
                  await api('POST', '/__mock/reset');
                  setConfirming(false);
                  return t('state.resetDone');
                })
              }
            >
              {t('state.resetConfirm')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </p>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            {t('state.resetButton')}
          </button>
        )}
        {session?.kind === 'admin' && hasAdminToken() ? (
          confirmAll ? (
            <p class="row">
              <button
                type="button"
                class="danger"
                onClick={() =>
                  act(async () => {
                    const r = await adminResetAll();
                    setConfirmAll(false);
                    return t('state.adminResetDone', { n: r.merchants });
                  })
                }
              >
                {t('state.resetConfirm')}
              </button>
              <button type="button" onClick={() => setConfirmAll(false)}>
                {t('common.cancel')}
              </button>
            </p>
          ) : (
            <p>
              <button type="button" class="danger" onClick={() => setConfirmAll(true)}>
                {t('state.adminReset')}
              </button>
            </p>
          )
        ) : null}
      </Section>
    </div>
  );
}
