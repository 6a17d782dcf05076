// Sign-in: as one merchant with imp_key and imp_secret (getToken), or as the admin, then picking a merchant.

import { useState } from 'preact/hooks';
import { adminMerchants, signInAdmin, signInMerchant, takeSessionEnded, type AdminMerchant } from '../api.ts';
import { Field, errorText, useUi, inputValue } from '../ui.tsx';

export function SignIn() {
  const { t, lang, setLang } = useUi();
  const [mode, setMode] = useState<'merchant' | 'admin'>('merchant');
  const [impKey, setImpKey] = useState('');
  const [impSecret, setImpSecret] = useState('');
  const [adminToken, setAdminToken] = useState('');
  const [merchants, setMerchants] = useState<AdminMerchant[] | null>(null);
  const [picked, setPicked] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [expired] = useState(takeSessionEnded);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <div class="card">
        <div class="card-head">
          <h1>{t('app.title')}</h1>
          <label class="lang">
            <span class="sr-only">{t('lang.label')}</span>
            <select value={lang} aria-label={t('lang.label')} onChange={(e) => setLang(inputValue(e) as 'ko' | 'en')}>
              <option value="ko">한국어</option>
              <option value="en">English</option>
            </select>
          </label>
        </div>
        <h2>{t('signin.title')}</h2>
        {expired ? (
          <p class="error" role="alert">
            {t('signin.expired')}
          </p>
        ) : null}
        <p class="muted">{t('signin.intro')}</p>
        <fieldset class="modes">
          <legend class="sr-only">{t('signin.title')}</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'merchant'} onChange={() => setMode('merchant')} />{' '}
            {t('signin.merchant')}
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'admin'} onChange={() => setMode('admin')} />{' '}
            {t('signin.admin')}
          </label>
        </fieldset>
        {mode === 'merchant' ? (
          <form
            class="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => signInMerchant(impKey.trim(), impSecret));
            }}
          >
            <Field label={t('signin.impKey')}>
              <input
                name="imp_key"
                required
                autocomplete="username"
                value={impKey}
                onInput={(e) => setImpKey(inputValue(e))}
              />
            </Field>
            <Field label={t('signin.impSecret')}>
              <input
                name="imp_secret"
                type="password"
                required
                autocomplete="current-password"
                value={impSecret}
                onInput={(e) => setImpSecret(inputValue(e))}
              />
            </Field>
            <button type="submit" class="primary" disabled={busy}>
              {t('signin.submit')}
            </button>
          </form>
        ) : merchants === null ? (
          <form
            class="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                const list = await adminMerchants(adminToken);
                setMerchants(list);
                setPicked(list[0]?.imp_key ?? '');
              });
            }}
          >
            <Field label={t('signin.adminToken')}>
              <input
                name="admin_token"
                type="password"
                required
                autocomplete="current-password"
                value={adminToken}
                onInput={(e) => setAdminToken(inputValue(e))}
              />
            </Field>
            <button type="submit" class="primary" disabled={busy}>
              {t('signin.submit')}
            </button>
          </form>
        ) : (
          <form
            class="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => signInAdmin(adminToken, picked));
            }}
          >
            <Field label={t('signin.pickMerchant')}>
              <select name="merchant" value={picked} onChange={(e) => setPicked(inputValue(e))}>
                {merchants.map((m) => (
                  <option key={m.imp_key} value={m.imp_key}>
                    {m.imp_key}
                    {m.name ? ` — ${m.name}` : ''}
                    {m.agency ? ` (${m.tiers.join(', ')})` : ''}
                  </option>
                ))}
              </select>
            </Field>
            <button type="submit" class="primary" disabled={busy || !picked}>
              {t('signin.continue')}
            </button>
          </form>
        )}
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <p class="muted">
          <a href="/docs">{t('app.docs')}</a>
        </p>
      </div>
    </main>
  );
}
