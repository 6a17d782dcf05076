// Shared pieces of the dashboard: the UI context (language, refresh, notices), hash routing, data loading and the
// small components every view uses (KST times, status badges, JSON, pager, labelled fields).

import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { amount, kst, kstIso } from './format.ts';
import type { Key, Lang, Vars } from './i18n.ts';

export interface Notice {
  id: number;
  kind: 'ok' | 'error';
  text: string;
}

export interface UiContext {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: Key, vars?: Vars) => string;
  /** Bumped after every action that changes state: views reload on it. */
  version: number;
  bump: () => void;
  notify: (kind: Notice['kind'], text: string) => void;
}

export const Ui = createContext<UiContext>(null as unknown as UiContext);

export function useUi(): UiContext {
  return useContext(Ui);
}

/** The message to show for a failed call: the API's own message (Korean as it comes), or the error's. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

// ---- Routing: #/section/id?query ----

export interface Route {
  section: string;
  id: string | null;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [pathPart = '', query = ''] = raw.split('?');
  const [section = 'overview', ...rest] = pathPart.split('/');
  return {
    section: section || 'overview',
    id: rest.length ? decodeURIComponent(rest.join('/')) : null,
    params: new URLSearchParams(query),
  };
}

export function href(section: string, id?: string | null, params?: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v) q.set(k, v);
  const qs = q.toString();
  return `#/${section}${id ? `/${encodeURIComponent(id)}` : ''}${qs ? `?${qs}` : ''}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

// ---- Loading ----

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` or the UI version change; the last answer wins. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const { version } = useUi();
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  });
  const [again, setAgain] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === seq.current && setState({ data, error: null, loading: false }),
      (error) => mine === seq.current && setState({ data: undefined, error, loading: false }),
    );
  }, [...deps, version, again]);
  const reload = useCallback(() => setAgain((n) => n + 1), []);
  return { ...state, reload };
}

/** Wraps an action: runs it, reports its result or the API's message, and refreshes the views. */
export function useAction(): (run: () => Promise<string | undefined>) => Promise<boolean> {
  const { notify, bump } = useUi();
  return useCallback(
    async (run) => {
      try {
        const text = await run();
        if (text) notify('ok', text);
        bump();
        return true;
      } catch (e) {
        notify('error', errorText(e));
        return false;
      }
    },
    [notify, bump],
  );
}

// ---- Components ----

/** A UNIX time in KST; the UNIX value on hover. 0 shows as a dash (the API's "did not happen"). */
export function Time({ unix, seconds = true }: { unix: number; seconds?: boolean }) {
  if (!unix) return <span class="muted">—</span>;
  return (
    <time dateTime={kstIso(unix)} title={`UNIX ${unix}`}>
      {kst(unix, seconds)}
    </time>
  );
}

/** A real-time instant in milliseconds (webhooks, journal), in KST; UNIX seconds and ms on hover. */
export function TimeMs({ ms }: { ms: number }) {
  const unix = Math.floor(ms / 1000);
  return (
    <time dateTime={kstIso(unix)} title={`UNIX ${unix} (${ms} ms)`}>
      {kst(unix)}
    </time>
  );
}

const STATUS_KEYS = new Set([
  'ready',
  'paid',
  'cancelled',
  'failed',
  'scheduled',
  'executed',
  'revoked',
  'pending',
  'delivered',
]);

export function Badge({ status }: { status: string }) {
  const { t } = useUi();
  const label = STATUS_KEYS.has(status) ? t(`status.${status}` as Key) : status;
  return <span class={`badge badge-${status}`}>{label}</span>;
}

export function Money({ value, currency = 'KRW' }: { value: number; currency?: string }) {
  return (
    <span class="num">
      {amount(value, currency)} {currency === 'KRW' ? '원' : currency}
    </span>
  );
}

export function Json({ value }: { value: unknown }) {
  return <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
}

export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useUi();
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {t('common.error', { message: errorText(error) })}
    </p>
  );
}

export function Loading({ when }: { when: boolean }) {
  const { t } = useUi();
  return when ? (
    <p class="muted" aria-live="polite">
      {t('common.loading')}
    </p>
  ) : null;
}

export function Field({ label, children, wide }: { label: string; children: ComponentChildren; wide?: boolean }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child this label wraps.
    <label class={wide ? 'field wide' : 'field'}>
      <span>{label}</span>
      {children}
    </label>
  );
}

export function Section({
  title,
  children,
  actions,
  id,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
  id?: string;
}) {
  return (
    <section class="card" aria-labelledby={id}>
      <div class="card-head">
        <h2 id={id}>{title}</h2>
        {actions ? <div class="actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

export function Pager({
  page,
  total,
  limit,
  onPage,
}: {
  page: number;
  total: number;
  limit: number;
  onPage: (page: number) => void;
}) {
  const { t } = useUi();
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav class="pager" aria-label={t('common.page', { page, pages, total })}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ‹ {t('common.prev')}
      </button>
      <span>{t('common.page', { page, pages, total })}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('common.next')} ›
      </button>
    </nav>
  );
}

/** The value of an input event's element. */
export function inputValue(e: Event): string {
  return (e.currentTarget as HTMLInputElement).value;
}

/** A stable id for a label/input pair or a heading. */
let nextId = 0;
export function useId(prefix: string): string {
  const ref = useRef<string | undefined>(undefined);
  ref.current ??= `${prefix}-${++nextId}`;
  return ref.current;
}
