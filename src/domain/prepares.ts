// /payments/prepare: an amount registered in advance that a later payment for the merchant_uid must match.

import type { Static } from '@sinclair/typebox';
import type { PrepareAnnotation } from '../schemas/payments.js';
import type { Store } from '../store/index.js';
import type { PrepareRow } from '../store/prepares.js';
import type { Clock } from './clock.js';
import { IamportError } from './errors.js';
import { tenantTransaction, type Tenant } from './merchants.js';
import { PREPARE } from './messages.js';
import { checkAmount } from './money.js';

export type Prepared = Static<typeof PrepareAnnotation>;

export interface PrepareInput {
  merchant_uid: string;
  amount: number;
  currency?: string | undefined;
}

const view = (row: Pick<PrepareRow, keyof Prepared>): Prepared => ({
  merchant_uid: row.merchant_uid,
  amount: row.amount,
  currency: row.currency,
});

export class PrepareService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  register(tenant: Tenant, input: PrepareInput): Prepared {
    checkAmount('amount', input.amount, input.currency);
    return tenantTransaction(this.store, tenant, (tenant) => {
      if (this.find(tenant, input.merchant_uid)) throw new IamportError(1, PREPARE.exists);
      const now = this.clock.tenantNow(tenant);
      const row = this.store.prepares.insert({
        merchant_id: tenant.merchant_id,
        tier_code: tenant.tier_code,
        merchant_uid: input.merchant_uid,
        amount: input.amount,
        currency: input.currency,
        created_at: now,
      });
      return view(row);
    });
  }

  change(tenant: Tenant, input: PrepareInput): Prepared {
    return tenantTransaction(this.store, tenant, (tenant) => {
      const existing = this.get(tenant, input.merchant_uid);
      const currency = input.currency ?? existing.currency;
      checkAmount('amount', input.amount, currency);
      const changed = { merchant_uid: input.merchant_uid, amount: input.amount, currency };
      this.store.prepares.update({
        merchant_id: tenant.merchant_id,
        tier_code: tenant.tier_code,
        ...changed,
        updated_at: this.clock.tenantNow(tenant),
      });
      return view(changed);
    });
  }

  get(tenant: Tenant, merchantUid: string): Prepared {
    const row = this.find(tenant, merchantUid);
    if (!row) throw new IamportError(-1, PREPARE.notFound, 404);
    return view(row);
  }

  private find(tenant: Tenant, merchantUid: string): PrepareRow | undefined {
    return this.store.prepares.find(tenant, merchantUid);
  }
}
