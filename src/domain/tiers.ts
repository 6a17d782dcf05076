// Sub-merchant (Tier) look-up: GET /tiers/{tier_code} answers one of the calling agency's tiers (reference §10).

import type { Store } from '../store/index.js';
import { IamportError } from './errors.js';
import type { Tenant } from './merchants.js';

/** The TierAnnotation of the official document. */
export interface TierInfo {
  tier_code: string;
  tier_name: string;
}

export function tierNotFound(tierCode: string): string {
  return `등록되지 않았거나 이미 삭제된 하위 상점(Tier) 코드입니다. (tier_code: ${tierCode})`;
}

/**
 * One tier of the token's merchant. Tiers belong to the agency, so a request made as one of its tiers (Tier
 * header) still reads the agency's list; a merchant that is not an agency has none. Unknown: HTTP 404, as the
 * official document says.
 */
export function findTier(store: Store, tenant: Tenant, tierCode: string): TierInfo {
  const row = store.subMerchants.find(tenant.merchant.id, tierCode);
  if (!row) throw new IamportError(-1, tierNotFound(tierCode), 404);
  return { tier_code: row.tier_code, tier_name: row.tier_name };
}
