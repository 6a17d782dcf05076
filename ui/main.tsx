// The dashboard's entry: sign-in, then the shell (header with merchant, Tier and language, the merchant clock, the
// section navigation, notices) around the view the URL hash names.

import { render } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import './app.css';
import {
  adminMerchants,
  api,
  currentSession,
  hasAdminToken,
  onSessionChange,
  setTier,
  signOut,
  switchMerchant,
  type AdminMerchant,
  type Session,
} from './api.ts';
import { ClockBar } from './views/clock.tsx';
import { CustomersView } from './views/customers.tsx';
import { FaultsView } from './views/faults.tsx';
import { JournalView } from './views/journal.tsx';
import { OverviewView } from './views/overview.tsx';
import { PaymentsView } from './views/payments.tsx';
import { SchedulesView } from './views/schedules.tsx';
import { SignIn } from './views/sign-in.tsx';
import { StateView } from './views/state.tsx';
import { WebhooksView } from './views/webhooks.tsx';
import { defaultLang, translate, type Key, type Lang, type Vars } from './i18n.ts';
import type { Overview } from './types.ts';
import { Ui, errorText, useLoad, useRoute, useUi, inputValue, type Notice, type UiContext } from './ui.tsx';

const LANG_KEY = 'iamport-mock-dashboard-lang';

const SECTIONS = ['overview', 'customers', 'payments', 'schedules', 'webhooks', 'journal', 'faults', 'state'] as const;

function useSession(): Session | null {
  const [session, set] = useState(currentSession);
  useEffect(() => onSessionChange(() => set(currentSession())), []);
  return session;
}

function LangSwitch() {
  const { lang, setLang, t } = useUi();
  return (
    <label class="lang">
      <span class="sr-only">{t('lang.label')}</span>
      <select value={lang} onChange={(e) => setLang(inputValue(e) as Lang)} aria-label={t('lang.label')}>
        <option value="ko" lang="ko">
          한국어
        </option>
        <option value="en" lang="en">
          English
        </option>
      </select>
    </label>
  );
}

function MerchantPicker({ session }: { session: Session }) {
  const { t, notify } = useUi();
  const [merchants, setMerchants] = useState<AdminMerchant[]>([]);
  useEffect(() => {
    if (hasAdminToken()) adminMerchants().then(setMerchants, () => setMerchants([]));
  }, []);
  if (merchants.length === 0) return <span class="who-key">{session.impKey}</span>;
  return (
    <label class="inline">
      <span>{t('header.merchant')}</span>
      <select
        value={session.impKey}
        onChange={(e) => switchMerchant(inputValue(e)).catch((err) => notify('error', errorText(err)))}
      >
        {merchants.map((m) => (
          <option key={m.imp_key} value={m.imp_key}>
            {m.imp_key}
            {m.name ? ` — ${m.name}` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

function TierPicker({ overview, session }: { overview: Overview; session: Session }) {
  const { t } = useUi();
  if (!overview.agency || overview.tiers.length === 0) return null;
  return (
    <label class="inline">
      <span>{t('header.tier')}</span>
      <select value={session.tier} onChange={(e) => setTier(inputValue(e))}>
        <option value="">{t('header.tierNone')}</option>
        {overview.tiers.map((tier) => (
          <option key={tier.tier_code} value={tier.tier_code}>
            {tier.tier_code} — {tier.tier_name}
          </option>
        ))}
      </select>
    </label>
  );
}

function Notices({ notices, dismiss }: { notices: Notice[]; dismiss: (id: number) => void }) {
  const { t } = useUi();
  return (
    <div class="notices">
      <div role="status" aria-live="polite">
        {notices
          .filter((n) => n.kind === 'ok')
          .map((n) => (
            <p key={n.id} class="notice ok">
              <span>{n.text}</span>
              <button type="button" class="link" onClick={() => dismiss(n.id)} aria-label={t('clock.dismiss')}>
                ×
              </button>
            </p>
          ))}
      </div>
      <div role="alert">
        {notices
          .filter((n) => n.kind === 'error')
          .map((n) => (
            <p key={n.id} class="notice error">
              <span>{n.text}</span>
              <button type="button" class="link" onClick={() => dismiss(n.id)} aria-label={t('clock.dismiss')}>
                ×
              </button>
            </p>
          ))}
      </div>
    </div>
  );
}

function Shell({ session, notices, dismiss }: { session: Session; notices: Notice[]; dismiss: (id: number) => void }) {
  const { t } = useUi();
  const route = useRoute();
  const overview = useLoad(() => api<Overview>('GET', '/__mock/overview'), [session.impKey, session.tier]);
  const section = (SECTIONS as readonly string[]).includes(route.section) ? route.section : 'overview';
  useEffect(() => {
    document.title = `${t(`nav.${section}` as Key)} · ${t('app.title')}`;
  }, [section, t]);

  return (
    <>
      {/* A button, not a link: a #fragment would be read as a route. */}
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        {t('app.skip')}
      </button>
      <header class="top">
        <a class="brand" href="#/overview">
          {t('app.title')}
        </a>
        <div class="who">
          <span class="muted">{t('header.signedInAs')}</span>
          {session.kind === 'admin' ? (
            <>
              <span class="badge badge-admin">{t('header.adminBadge')}</span>
              <MerchantPicker session={session} />
            </>
          ) : (
            <strong class="who-key">{session.impKey}</strong>
          )}
          {overview.data?.name ? <span class="muted">{overview.data.name}</span> : null}
          {overview.data ? <TierPicker overview={overview.data} session={session} /> : null}
        </div>
        <div class="top-actions">
          <a href="/docs">{t('app.docs')}</a>
          <LangSwitch />
          <button type="button" onClick={signOut}>
            {t('header.signOut')}
          </button>
        </div>
      </header>
      <ClockBar overview={overview.data} />
      <nav class="sections" aria-label={t('nav.label')}>
        <ul>
          {SECTIONS.map((s) => (
            <li key={s}>
              <a href={`#/${s}`} aria-current={s === section ? 'page' : undefined}>
                {t(`nav.${s}` as Key)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <Notices notices={notices} dismiss={dismiss} />
      <main id="main" tabIndex={-1}>
        {section === 'overview' && <OverviewView />}
        {section === 'customers' && <CustomersView route={route} />}
        {section === 'payments' && <PaymentsView route={route} />}
        {section === 'schedules' && <SchedulesView route={route} />}
        {section === 'webhooks' && <WebhooksView />}
        {section === 'journal' && <JournalView />}
        {section === 'faults' && <FaultsView />}
        {section === 'state' && <StateView />}
      </main>
    </>
  );
}

function App() {
  const [lang, setLangState] = useState<Lang>(() =>
    defaultLang(localStorage.getItem(LANG_KEY), navigator.languages?.[0] ?? navigator.language),
  );
  const [version, setVersion] = useState(0);
  const [notices, setNotices] = useState<Notice[]>([]);
  const session = useSession();

  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(LANG_KEY, l);
    setLangState(l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const notify = useCallback((kind: Notice['kind'], text: string) => {
    setNotices((list) => [...list.slice(-2), { id: Date.now() + Math.random(), kind, text }]);
  }, []);
  const dismiss = useCallback((id: number) => setNotices((list) => list.filter((n) => n.id !== id)), []);

  const ui: UiContext = useMemo(
    () => ({
      lang,
      setLang,
      t: (key: Key, vars?: Vars) => translate(lang, key, vars),
      version,
      bump: () => setVersion((v) => v + 1),
      notify,
    }),
    [lang, setLang, version, notify],
  );

  // A new merchant or tier: every view reloads, and the notices start afresh.
  useEffect(() => {
    setNotices([]);
    setVersion((v) => v + 1);
  }, [session?.impKey, session?.tier, session === null]);

  return (
    <Ui.Provider value={ui}>
      {session ? <Shell session={session} notices={notices} dismiss={dismiss} /> : <SignIn />}
    </Ui.Provider>
  );
}

render(<App />, document.getElementById('app')!);
