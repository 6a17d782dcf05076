// The tenancy scope: which merchant (and which of its tiers) a query of a tenant's data acts on.

/** Every repository method on a tenant's data takes one; the domain's Tenant is one (it extends Scope). */
export interface Scope {
  merchant_id: number;
  /** '' for the merchant itself, else one of its sub-merchants (tiers). */
  tier_code: string;
}

/** Copies the key into a row: a repository writes exactly these two columns of a scope, whatever else it holds. */
export function scopeOf(scope: Scope): Scope {
  return { merchant_id: scope.merchant_id, tier_code: scope.tier_code };
}
