// Fault injection rules: which requests of a merchant get an error, a delay, a reset, no answer, or a lost answer.

import { randomInt } from 'node:crypto';
import { badRequest } from '../../domain/errors.js';
import { FAULTS } from '../messages.js';
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

/** The methods a rule may name; `*` is any. */
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', '*']);

/** An iamport route as the router knows it: `/payments/:imp_uid` becomes the pattern `/payments/*`. */
interface KnownRoute {
  methods: Set<string>;
  pattern: string;
}

/**
 * Whether some path matches both `*`-patterns: a rule's path and a route's. A `*` in either may take any run of
 * the other's characters (the route's `*` stands for one path parameter; taking `/` too only errs towards
 * accepting a rule).
 */
export function patternsMeet(a: string, b: string): boolean {
  const seen = new Set<number>();
  const meet = (i: number, j: number): boolean => {
    if (i === a.length && j === b.length) return true;
    const key = i * (b.length + 1) + j;
    if (seen.has(key)) return false;
    seen.add(key);
    if (a[i] === '*' && (meet(i + 1, j) || (j < b.length && meet(i, j + 1)))) return true;
    if (b[j] === '*' && (meet(i, j + 1) || (i < a.length && meet(i + 1, j)))) return true;
    return i < a.length && j < b.length && a[i] !== '*' && a[i] === b[j] && meet(i + 1, j + 1);
  };
  return meet(0, 0);
}

/** What a request looks like to the matcher. */
export interface FaultTarget {
  method: string;
  path: string;
  fields: Record<string, unknown>;
}

/** A rule as held: its matcher lives beside it, so dropping the rule frees both. */
interface HeldRule {
  rule: FaultRule;
  matchesPath: (path: string) => boolean;
}

/** The fields a rule keeps: whatever else a body carries is not stored. */
const RULE_FIELDS = [
  'method',
  'path',
  'customer_uid',
  'merchant_uid',
  'amount',
  'action',
  'status',
  'code',
  'message',
  'delay_ms',
  'delay_max_ms',
  'count',
  'probability',
] as const satisfies readonly (keyof FaultRuleInput)[];

export class FaultRules {
  /** By tenant key (`merchantId:tier`): a tier's rules are its own. */
  private readonly byTenant = new Map<string, HeldRule[]>();
  private nextId = 1;
  private readonly routes: KnownRoute[] = [];

  /**
   * @param maxPerTenant how many rules one merchant (or tier) may hold at once: rules live in memory, so a client
   *   that adds them in a loop must not grow the server without bound.
   */
  constructor(
    private readonly maxPerTenant = 100,
    private readonly random: () => number = () => randomInt(0, 1_000_000) / 1_000_000,
  ) {}

  /** Registers an iamport route a rule may target (the app's router tells each one as it is added). */
  knowRoute(methods: readonly string[], url: string): void {
    const pattern = url.replace(/:[^/]+/g, '*').replace(/(.)\/$/, '$1');
    this.routes.push({ methods: new Set(methods.map((m) => m.toUpperCase())), pattern });
  }

  /** Refuses a rule that could never fire: an unknown method, or a path (and method) no iamport route serves. */
  private check(input: FaultRuleInput): void {
    const method = input.method?.toUpperCase() ?? '*';
    if (!METHODS.has(method)) throw badRequest(FAULTS.unknownMethod(input.method ?? '', input.path));
    const served = this.routes.some(
      (r) => (method === '*' || r.methods.has(method)) && patternsMeet(input.path, r.pattern),
    );
    if (!served) throw badRequest(FAULTS.noRoute(method, input.path));
  }

  /** Adds a rule; a tenant already holding maxPerTenant rules is refused (400). */
  add(tenant: string, input: FaultRuleInput): FaultRule {
    this.check(input);
    const list = this.byTenant.get(tenant) ?? [];
    if (list.length >= this.maxPerTenant) {
      throw badRequest(FAULTS.tooMany(this.maxPerTenant));
    }
    const kept: FaultRuleInput = { path: input.path, action: input.action };
    for (const field of RULE_FIELDS) if (input[field] !== undefined) Object.assign(kept, { [field]: input[field] });
    const rule: FaultRule = { ...kept, method: input.method?.toUpperCase(), id: this.nextId++, fired: 0 };
    list.push({ rule, matchesPath: wildcardMatcher(rule.path) });
    this.byTenant.set(tenant, list);
    return rule;
  }

  /** True when the tenant has any rule (the request hook's fast path). */
  has(tenant: string): boolean {
    return this.byTenant.has(tenant);
  }

  list(tenant: string): FaultRule[] {
    return (this.byTenant.get(tenant) ?? []).map((held) => held.rule);
  }

  /** Rules held across all tenants (their matchers go with them). */
  get size(): number {
    let n = 0;
    for (const list of this.byTenant.values()) n += list.length;
    return n;
  }

  remove(tenant: string, id: number): boolean {
    const list = this.byTenant.get(tenant);
    const i = list?.findIndex((held) => held.rule.id === id) ?? -1;
    if (i < 0) return false;
    list!.splice(i, 1);
    if (list!.length === 0) this.byTenant.delete(tenant);
    return true;
  }

  clear(tenant: string): void {
    this.byTenant.delete(tenant);
  }

  /** Clears a merchant's and all its tiers' rules. */
  clearMerchant(merchantId: number): void {
    for (const key of [...this.byTenant.keys()]) if (key.startsWith(`${merchantId}:`)) this.byTenant.delete(key);
  }

  clearAll(): void {
    this.byTenant.clear();
  }

  /** The first rule that matches and fires for this request (consuming one of its count), if any. */
  fire(tenant: string, target: FaultTarget): FaultRule | undefined {
    const list = this.byTenant.get(tenant);
    if (!list || list.length === 0) return undefined;
    for (const held of list) {
      const rule = held.rule;
      if (!this.matches(held, target)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.fired++;
      if (rule.count !== undefined && rule.fired >= rule.count) this.remove(tenant, rule.id);
      return rule;
    }
    return undefined;
  }

  private matches({ rule, matchesPath }: HeldRule, t: FaultTarget): boolean {
    if (rule.method && rule.method !== '*' && rule.method !== t.method) return false;
    if (!matchesPath(t.path)) return false;
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
