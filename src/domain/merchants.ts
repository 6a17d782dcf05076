// Merchants and their sub-merchants (tiers): API-key authentication, open-mode sign-up and tenant resolution.

import { createHash } from 'node:crypto';
import type { Store } from '../store/index.js';
import type { MerchantRow } from '../store/merchants.js';
import type { PgSettingRow } from '../store/pg-settings.js';
import type { Scope } from '../store/scope.js';
import type { Clock } from './clock.js';
import { IamportError, unauthorized } from './errors.js';
import { AUTH } from './messages.js';
import type { Secrets } from './secrets.js';
import type { MerchantMode } from '../config.js';

/**
 * Whose data a request acts on: a merchant, or one of an agency merchant's tiers. It is the repositories' Scope
 * itself, so a tenant is passed to the store as it is.
 */
export interface Tenant extends Scope {
  merchant: MerchantRow;
}

/** The tenant of a merchant ('' is the merchant itself) or of one of its tiers. */
export function tenantOf(merchant: MerchantRow, tierCode = ''): Tenant {
  return { merchant, merchant_id: merchant.id, tier_code: tierCode };
}

/**
 * The tenant as it is now: its merchant row read again. A request is authenticated when its headers arrive, and
 * its body may come much later, after a clock move, a reset or an admin reset that deleted the merchant; whatever
 * a request changes is computed from this, never from the row read at authentication. A deleted merchant is a 401,
 * as its token now is.
 */
export function currentTenant(store: Store, tenant: Tenant): Tenant {
  const merchant = store.merchants.findById(tenant.merchant_id);
  if (!merchant) throw unauthorized();
  return { ...tenant, merchant };
}

/** Runs `fn` in one write transaction, on the tenant as it is inside that transaction (currentTenant). */
export function tenantTransaction<T>(store: Store, tenant: Tenant, fn: (tenant: Tenant) => T): T {
  return store.transaction(() => fn(currentTenant(store, tenant)));
}

export interface PgSetting {
  pg_provider: string;
  pg_id: string;
  sandbox: boolean;
  type: string;
  channel_name: string;
  channel_key: string;
}

/** A stable, UUID-shaped channel key per setting (the mock has no console to create channels in). */
function channelKey(s: PgSettingRow): string {
  const h = createHash('sha256')
    .update(`${s.merchant_id}:${s.tier_code}:${s.pg_provider}:${s.pg_id}:${s.type}`)
    .digest('hex');
  return `channel-key-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export type ResolvedPg = Pick<PgSettingRow, 'pg_provider' | 'pg_id' | 'sandbox'>;

/** The PG setting a merchant created in open mode starts with (the NICE test MID of PortOne's docs). */
export const OPEN_MODE_PG = {
  pg_provider: 'nice',
  pg_id: 'nictest04m',
  type: 'api_payment',
  sandbox: 1,
  is_default: 1,
  channel_name: null,
} as const;

export class MerchantService {
  constructor(
    private readonly store: Store,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
    private readonly mode: MerchantMode,
  ) {}

  /**
   * The merchant an imp_key/imp_secret pair belongs to. In open mode an unknown key becomes a new,
   * empty merchant bound to the secret it first came with.
   */
  authenticate(impKey: string, impSecret: string): MerchantRow {
    const existing = this.store.merchants.findByKey(impKey);
    if (existing) {
      if (existing.secret_hash === '') {
        this.store.merchants.bindSecret(existing.id, this.secrets.fingerprint('imp_secret', impSecret));
        return this.store.merchants.findById(existing.id)!;
      }
      if (!this.secrets.matches('imp_secret', impSecret, existing.secret_hash)) throw unauthorized(AUTH.failed);
      return existing;
    }
    if (this.mode === 'strict') throw unauthorized(AUTH.failed);
    return this.store.transaction(() => {
      const merchant = this.store.merchants.insert({
        imp_key: impKey,
        secret_hash: this.secrets.fingerprint('imp_secret', impSecret),
        name: null,
        is_agency: 0,
        origin: 'open',
        webhook_url: null,
        created_at: this.clock.wallNow(),
      });
      this.store.pgSettings.replace(tenantOf(merchant), [OPEN_MODE_PG]);
      return merchant;
    });
  }

  /**
   * The tenant a request acts as. A `Tier` header is honoured only with an agency merchant's token and
   * one of its own tier codes.
   */
  tenant(merchant: MerchantRow, tierHeader: string | undefined): Tenant {
    const tier = tierHeader?.trim() ?? '';
    if (tier === '') return tenantOf(merchant);
    if (!merchant.is_agency) throw new IamportError(-1, AUTH.notAgency(tier), 401);
    const tenant = tenantOf(merchant, tier);
    if (!this.store.subMerchants.find(tenant)) throw new IamportError(-1, AUTH.unknownTier(tier), 401);
    return tenant;
  }

  /** The tenant's PG settings as GET /users/pg answers them. */
  pgSettingList(tenant: Tenant): PgSetting[] {
    return this.pgSettings(tenant).map((s) => ({
      pg_provider: s.pg_provider,
      pg_id: s.pg_id,
      sandbox: s.sandbox === 1,
      type: s.type,
      channel_name: s.channel_name ?? `${s.pg_provider} ${s.pg_id}`,
      channel_key: channelKey(s),
    }));
  }

  /** The tenant's PG settings, its default first; a tier without settings of its own uses its agency's. */
  pgSettings(tenant: Tenant): PgSettingRow[] {
    const own = this.store.pgSettings.list(tenant);
    if (own.length > 0 || tenant.tier_code === '') return own;
    return this.store.pgSettings.list(tenantOf(tenant.merchant));
  }

  /**
   * The PG a request's `pg` parameter selects: `{pg}` or `{pg}.{MID}` among the tenant's settings; when
   * absent or matching none, the default setting (reference §3.2).
   */
  resolvePg(tenant: Tenant, pg: string | undefined): ResolvedPg {
    const settings = this.pgSettings(tenant);
    if (pg) {
      const dot = pg.indexOf('.');
      const provider = dot < 0 ? pg : pg.slice(0, dot);
      const mid = dot < 0 ? undefined : pg.slice(dot + 1);
      const match = settings.find((s) => s.pg_provider === provider && (mid === undefined || s.pg_id === mid));
      if (match) return match;
    }
    return settings[0] ?? OPEN_MODE_PG;
  }
}
