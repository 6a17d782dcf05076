// Sub-merchant (Tier) look-up: GET /tiers/{tier_code} answers one of the calling agency's tiers (reference §10).

import type { Store } from '../store/index.js';
import type { Tier } from '../schemas/tiers.js';
import { IamportError } from './errors.js';
import { tenantOf, type Tenant } from './merchants.js';
import { TIER } from './messages.js';

/**
 * One tier of the token's merchant. Tiers belong to the agency, so a request made as one of its tiers (Tier
 * header) still reads the agency's list; a merchant that is not an agency has none. Unknown: HTTP 404, as the
 * official document says.
 */
export function findTier(store: Store, tenant: Tenant, tierCode: string): Tier {
  const row = store.subMerchants.find(tenantOf(tenant.merchant, tierCode));
  if (!row) throw new IamportError(-1, TIER.notFound(tierCode), 404);
  return { tier_code: row.tier_code, tier_name: row.tier_name };
}
