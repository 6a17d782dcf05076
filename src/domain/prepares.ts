// /payments/prepare: an amount registered in advance that a later payment for the merchant_uid must match.

import type { Store } from '../store/index.js';
import type { PrepareRow } from '../store/prepares.js';
import { IamportError } from './errors.js';
import { checkAmount } from './money.js';
import type { MerchantService, Tenant } from './merchants.js';

export const PREPARE_NOT_FOUND = '사전등록된 결제정보가 존재하지 않습니다.';
export const PREPARE_EXISTS = '이미 사전등록된 merchant_uid입니다. 금액을 바꾸려면 PUT /payments/prepare를 사용하세요.';

export interface Prepared {
  merchant_uid: string;
  amount: number;
  currency: string;
}

export interface PrepareInput {
  merchant_uid: string;
  amount: number;
  currency?: string | undefined;
}

const view = (row: PrepareRow): Prepared => ({
  merchant_uid: row.merchant_uid,
  amount: row.amount,
  currency: row.currency,
});

export class PrepareService {
  constructor(
    private readonly store: Store,
    private readonly merchants: MerchantService,
  ) {}

  register(tenant: Tenant, input: PrepareInput): Prepared {
    checkAmount('amount', input.amount, input.currency);
    return this.store.transaction(() => {
      if (this.find(tenant, input.merchant_uid)) throw new IamportError(1, PREPARE_EXISTS);
      const now = this.merchants.now(tenant);
      const row: PrepareRow = {
        merchant_id: tenant.merchant.id,
        tier_code: tenant.tier_code,
        merchant_uid: input.merchant_uid,
        amount: input.amount,
        currency: input.currency ?? 'KRW',
        created_at: now,
        updated_at: now,
      };
      this.store.prepares.insert(row);
      return view(row);
    });
  }

  change(tenant: Tenant, input: PrepareInput): Prepared {
    return this.store.transaction(() => {
      const existing = this.get(tenant, input.merchant_uid);
      const currency = input.currency ?? existing.currency;
      checkAmount('amount', input.amount, currency);
      this.store.prepares.update({
        merchant_id: tenant.merchant.id,
        tier_code: tenant.tier_code,
        merchant_uid: input.merchant_uid,
        amount: input.amount,
        currency,
        updated_at: this.merchants.now(tenant),
      });
      return { merchant_uid: input.merchant_uid, amount: input.amount, currency };
    });
  }

  get(tenant: Tenant, merchantUid: string): Prepared {
    const row = this.find(tenant, merchantUid);
    if (!row) throw new IamportError(-1, PREPARE_NOT_FOUND, 404);
    return view(row);
  }

  private find(tenant: Tenant, merchantUid: string): PrepareRow | undefined {
    return this.store.prepares.find(tenant.merchant.id, tenant.tier_code, merchantUid);
  }
}
