// Fault injection rules: which requests of a merchant get an error, a delay, a reset, no answer, or a lost answer.

import { randomInt } from 'node:crypto';
import { wildcardMatcher } from './journal.js';

export type FaultAction = 'error' | 'delay' | 'reset' | 'timeout' | 'commit_then_drop';

export interface FaultRuleInput {
  method?: string | undefined;
  /** `*` matches any run of characters. */
  path: string;
  customer_uid?: string | undefined;
  merchant_uid?: string | undefined;
  amount?: number | undefined;
  action: FaultAction;
  /** error: the HTTP status, iamport code and message answered. */
  status?: number | undefined;
  code?: number | undefined;
  message?: string | undefined;
  /** delay: milliseconds, fixed or (with delay_max_ms) random in [delay_ms, delay_max_ms]. */
  delay_ms?: number | undefined;
  delay_max_ms?: number | undefined;
  /** How many times the rule fires before it is removed (unlimited when absent). */
  count?: number | undefined;
  /** The chance (0–1) that a matching request is hit; 1 when absent. */
  probability?: number | undefined;
}

export interface FaultRule extends FaultRuleInput {
  id: number;
  /** Times fired so far. */
  fired: number;
}

/** What a request looks like to the matcher. */
export interface FaultTarget {
  method: string;
  path: string;
  fields: Record<string, unknown>;
}

export class FaultRules {
  /** By tenant key (`merchantId:tier`): a tier's rules are its own. */
  private readonly byTenant = new Map<string, FaultRule[]>();
  private readonly patterns = new Map<number, (path: string) => boolean>();
  private nextId = 1;

  constructor(private readonly random: () => number = () => randomInt(0, 1_000_000) / 1_000_000) {}

  add(tenant: string, input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...input, method: input.method?.toUpperCase(), id: this.nextId++, fired: 0 };
    this.patterns.set(rule.id, wildcardMatcher(rule.path));
    const list = this.byTenant.get(tenant) ?? [];
    list.push(rule);
    this.byTenant.set(tenant, list);
    return rule;
  }

  list(tenant: string): FaultRule[] {
    return this.byTenant.get(tenant) ?? [];
  }

  remove(tenant: string, id: number): boolean {
    const list = this.list(tenant);
    const i = list.findIndex((r) => r.id === id);
    if (i >= 0) list.splice(i, 1);
    return i >= 0;
  }

  clear(tenant: string): void {
    this.byTenant.delete(tenant);
  }

  /** Clears a merchant's and all its tiers' rules. */
  clearMerchant(merchantId: number): void {
    for (const key of this.byTenant.keys()) if (key.startsWith(`${merchantId}:`)) this.byTenant.delete(key);
  }

  clearAll(): void {
    this.byTenant.clear();
  }

  /** The first rule that matches and fires for this request (consuming one of its count), if any. */
  fire(tenant: string, target: FaultTarget): FaultRule | undefined {
    const list = this.byTenant.get(tenant);
    if (!list || list.length === 0) return undefined;
    for (const rule of list) {
      if (!this.matches(rule, target)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.fired++;
      if (rule.count !== undefined && rule.fired >= rule.count) this.remove(tenant, rule.id);
      return rule;
    }
    return undefined;
  }

  private matches(rule: FaultRule, t: FaultTarget): boolean {
    if (rule.method && rule.method !== '*' && rule.method !== t.method) return false;
    if (!this.patterns.get(rule.id)?.(t.path)) return false;
    if (rule.customer_uid !== undefined && t.fields.customer_uid !== rule.customer_uid) return false;
    if (rule.merchant_uid !== undefined && t.fields.merchant_uid !== rule.merchant_uid) return false;
    if (rule.amount !== undefined && Number(t.fields.amount) !== rule.amount) return false;
    return true;
  }

  /** The delay a delay rule asks for. */
  delayOf(rule: FaultRule): number {
    const min = rule.delay_ms ?? 0;
    const max = rule.delay_max_ms ?? min;
    return max > min ? min + Math.floor(this.random() * (max - min + 1)) : min;
  }
}
