// The shapes of the API answers the dashboard reads (a client's view of openapi.yaml: only the fields it uses).

export interface Paged<T> {
  total: number;
  previous: number;
  next: number;
  list: T[];
}

export interface Overview {
  imp_key: string;
  name: string | null;
  tier_code: string;
  tier_name: string | null;
  agency: boolean;
  tiers: { tier_code: string; tier_name: string }[];
  webhook_url: string | null;
  server_webhook_url: string | null;
  clock: { now: number; offset: number; frozen: boolean };
  counts: {
    billing_keys: number;
    payments: Record<'ready' | 'paid' | 'cancelled' | 'failed', number>;
    schedules: Record<'scheduled' | 'paid' | 'failed' | 'revoked', number>;
    webhooks: Record<'pending' | 'delivered' | 'failed', number>;
    faults: number;
    journal: number;
  };
}

export interface ClockView {
  now: number;
  offset: number;
  frozen: boolean;
  executed: { ran: number; paid: number; failed: number };
}

export interface PgSetting {
  pg_provider: string;
  pg_id: string;
  sandbox: boolean;
  type: string;
  channel_name: string;
}

export interface Outcome {
  status: 'paid' | 'failed';
  fail_reason?: string | null;
}

/** What a charge to come will get, and what decides it. */
export interface PredictedCharge {
  status: 'paid' | 'failed';
  fail_reason: string | null;
  decided_by: 'order_paid' | 'order_script' | 'script' | 'card' | null;
}

export interface CustomerSummary {
  customer_uid: string;
  customer_name: string | null;
  customer_email: string | null;
  card_name: string | null;
  card_code: string | null;
  card_number: string;
  card_expiry: string;
  pg_provider: string;
  pg_id: string;
  card_decline_reason: string | null;
  outcomes: Outcome[];
  next_charge: PredictedCharge;
  payments: number;
  scheduled: number;
  failed_schedules: number;
  next_schedule: { merchant_uid: string; schedule_at: number; outcome: PredictedCharge } | null;
  inserted: number;
  updated: number;
}

export interface CancelHistoryItem {
  pg_tid: string;
  amount: number;
  cancelled_at: number;
  reason: string;
  receipt_url: string | null;
  cancellation_id: string;
}

export interface Payment {
  imp_uid: string;
  merchant_uid: string;
  status: 'ready' | 'paid' | 'cancelled' | 'failed';
  amount: number;
  cancel_amount: number;
  currency: string;
  name: string | null;
  pg_provider: string;
  pg_id: string;
  pg_tid: string | null;
  card_name: string | null;
  card_number: string | null;
  customer_uid: string | null;
  customer_uid_usage: string | null;
  fail_reason: string | null;
  cancel_reason: string | null;
  cancel_history: CancelHistoryItem[];
  receipt_url: string | null;
  started_at: number;
  paid_at: number;
  failed_at: number;
  cancelled_at: number;
}

export interface Schedule {
  customer_uid: string;
  merchant_uid: string;
  imp_uid: string | null;
  schedule_at: number;
  executed_at: number;
  revoked_at: number;
  amount: number;
  currency: string;
  name: string;
  schedule_status: 'scheduled' | 'executed' | 'revoked';
  payment_status: 'paid' | 'failed' | 'cancelled' | null;
  fail_reason: string | null;
}

export interface WebhookDelivery {
  id: number;
  url: string;
  body: { imp_uid: string; merchant_uid: string; status: string; cancellation_id?: string };
  state: 'pending' | 'delivered' | 'failed';
  created_at_ms: number;
  attempts: { at_ms: number; url: string; status: number | null; error: string | null; duration_ms: number }[];
}

export interface JournalEntry {
  id: number;
  at_ms: number;
  tier_code: string;
  method: string;
  path: string;
  query: unknown;
  status: number;
  code: number | null;
  duration_ms: number;
  request: unknown;
  response: unknown;
}

export interface FaultRule {
  id: number;
  fired: number;
  method?: string;
  path: string;
  customer_uid?: string;
  merchant_uid?: string;
  action: 'error' | 'delay' | 'reset' | 'timeout' | 'commit_then_drop';
  status?: number;
  code?: number;
  message?: string;
  delay_ms?: number;
  delay_max_ms?: number;
  count?: number;
  probability?: number;
}

export interface TestCard {
  card_number: string;
  kind: 'issue_fail' | 'charge_fail';
  reason: string;
  description: string;
}
