// The MockControl interface: what test code can do to a mock, typed from the control API's own TypeBox schemas.

import type { Static } from '@sinclair/typebox';
import type * as S from '../control/schemas/control.js';
import type * as D from '../control/schemas/dashboard.js';
import type { Fixtures } from '../control/schemas/fixtures.js';
import type { PaymentAnnotation } from '../schemas/payments.js';
import type { AuthAnnotation } from '../schemas/users.js';
import type { Duration } from './duration.js';

/** 'merchant_uid' → 'merchantUid' */
type Camel<K extends string> = K extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : K;
/** The handle's option objects: the control API's query/body fields, in camelCase (optional stays optional). */
export type CamelKeys<T> = { [K in keyof T as K extends string ? Camel<K> : K]: T[K] };

export type Health = Static<typeof S.Health>;
export type TestCard = Static<typeof S.TestCard>;
export type AdminMerchant = Static<typeof S.AdminMerchant>;
export type AdminResetResult = Static<typeof S.AdminResetResult>;
export type AccessToken = Static<typeof AuthAnnotation>;
export type ClockState = Static<typeof S.ClockView>;
export type ResetResult = Static<typeof S.ResetResult>;
export type Outcome = Static<typeof S.Outcome>;
export type FaultInput = Static<typeof S.FaultBody>;
export type FaultRule = Static<typeof S.FaultRule>;
export type WebhookDelivery = Static<typeof S.WebhookDelivery>;
export type WebhookFilter = CamelKeys<Static<typeof S.WebhooksQuery>>;
export type WaitOptions = CamelKeys<Static<typeof S.WaitParams>>;
export type WaitResult = Static<typeof S.WaitResult>;
export type JournalFilter = CamelKeys<Static<typeof S.JournalQuery>>;
export type JournalEntry = Static<typeof S.JournalEntry>;
export type JournalPage = Static<typeof S.JournalPage>;
export type ImportResult = Static<typeof S.ImportResult>;
export type Overview = Static<typeof D.Overview>;
export type CustomersFilter = CamelKeys<Static<typeof D.CustomersQuery>>;
export type CustomerSummary = Static<typeof D.CustomerSummary>;
export type PaymentSearch = CamelKeys<Static<typeof D.PaymentSearchQuery>>;
export type Payment = Static<typeof PaymentAnnotation>;
/** A page of a list, as the iamport API pages them. */
export interface Page<T> {
  total: number;
  /** 0 when none. */
  previous: number;
  /** 0 when none. */
  next: number;
  list: T[];
}
export type { Duration, Fixtures };

/** One merchant (or one tier of an agency merchant) of the mock, driven through the control API. */
export interface MerchantControl extends AsyncDisposable {
  readonly impKey: string;
  /** The secret this handle authenticates with (give it to the iamport client under test). */
  readonly impSecret: string;
  /** '' for the merchant itself, else the Tier code sent with every call. */
  readonly tier: string;
  /** A fresh access token (POST /users/getToken): the one a client would get now. */
  token(): Promise<string>;
  clock: {
    get(): Promise<ClockState>;
    /** Moves forward by seconds or a duration ('30d', '12h'); the schedules that became due have run on return. */
    advance(by: number | Duration): Promise<ClockState>;
    /** Moves to a moment (a Date or UNIX seconds), never backwards. */
    set(to: Date | number): Promise<ClockState>;
    /** true (default) stops the clock; false lets it run on from there. */
    freeze(on?: boolean): Promise<ClockState>;
  };
  /** Wipes the merchant's data (a tier handle: that tier's only). Also what `await using` does at scope end. */
  reset(): Promise<ResetResult>;
  outcomes: {
    /** The next charges of a billing key (again and schedule executions), in order. */
    set(customerUid: string, outcomes: Outcome[]): Promise<Outcome[]>;
    get(customerUid: string): Promise<Outcome[]>;
    clear(customerUid: string): Promise<Outcome[]>;
  };
  faults: {
    add(rule: FaultInput): Promise<FaultRule>;
    list(): Promise<FaultRule[]>;
    remove(id: number): Promise<void>;
    /** Answers how many rules were deleted. */
    clear(): Promise<number>;
  };
  webhooks: {
    /** The merchant's default webhook URL (null removes it). */
    setUrl(url: string | null): Promise<void>;
    /** Newest first. */
    list(filter?: WebhookFilter): Promise<WebhookDelivery[]>;
    resend(id: number): Promise<WebhookDelivery>;
    /**
     * Waits until nothing is pending, or `count` deliveries (for `merchantUid`, if given) are settled.
     * Throws MockControlError (status 200, `envelope.response.timed_out` true) when `timeoutMs` passes first.
     */
    wait(options?: WaitOptions): Promise<WaitResult>;
  };
  journal: {
    /** The merchant's iamport requests, oldest first (bodies redacted). */
    find(filter?: JournalFilter): Promise<JournalPage>;
    count(filter?: Omit<JournalFilter, 'limit'>): Promise<number>;
    /** Answers how many entries were cleared. */
    clear(): Promise<number>;
  };
  state: {
    /** The merchant as a fixtures YAML document. */
    export(): Promise<string>;
    /** Replaces the merchant with a fixtures document (YAML text or the parsed object). */
    import(document: string | Fixtures): Promise<ImportResult>;
  };
  testCards(): Promise<TestCard[]>;
  /** The dashboard's reads: what the merchant (or tier) holds, at a glance. */
  overview(): Promise<Overview>;
  /** Billing keys by customer_uid, with their scripted outcomes, next charge and schedules. */
  customers(filter?: CustomersFilter): Promise<Page<CustomerSummary>>;
  /** Payments by status, merchant_uid, customer_uid (exact, or a pattern with *) and time, newest first. */
  payments(search?: PaymentSearch): Promise<Page<Payment>>;
}

export interface MerchantOptions {
  /** An agency merchant's sub-merchant (Tier code): every call of the handle acts on that tier. */
  tier?: string;
}

/** A running mock, in this process (`mock.control`) or elsewhere (`connectMock(url)`): the same interface. */
export interface MockControl {
  /** The mock's base URL, for the iamport client under test. */
  readonly url: string;
  /**
   * A handle on one merchant, authenticated now (POST /users/getToken). In open mode (the default) an unknown
   * key becomes a new, empty merchant: `merchant(uniqueKey())` gives each test its own. `impSecret` defaults
   * to a fixed test secret.
   */
  merchant(impKey: string, impSecret?: string, options?: MerchantOptions): Promise<MerchantControl>;
  health(): Promise<Health>;
  testCards(): Promise<TestCard[]>;
  /** Admin API (needs the server's --admin-token): removes open-mode merchants, re-seeds fixture ones. */
  resetAll(): Promise<AdminResetResult>;
  /** Admin API: every merchant. */
  merchants(): Promise<AdminMerchant[]>;
}

export interface ConnectOptions {
  /** The server's --admin-token, for resetAll() and merchants(). */
  adminToken?: string;
  /** Another fetch (a proxy agent, a test double). */
  fetch?: typeof fetch;
}
