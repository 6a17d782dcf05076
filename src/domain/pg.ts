// What a PG hands back for an approved card charge: imp_uid, PG transaction id, approval number, receipt URL.

import { customAlphabet } from 'nanoid';

/** Random digit strings of each length an id needs (nanoid draws them from the platform's secure random source). */
const digits = {
  4: customAlphabet('0123456789', 4),
  6: customAlphabet('0123456789', 6),
  8: customAlphabet('0123456789', 8),
  12: customAlphabet('0123456789', 12),
};

/** `imps_` + 12 digits: the id format of payments made through the API (reference §1.5). */
export function newImpUid(): string {
  return `imps_${digits[12]()}`;
}

/** `cncl_` + a date and random digits: an opaque cancellation id. */
export function newCancellationId(now: number): string {
  return `cncl_${kstStamp(now).slice(0, 8)}_${digits[8]()}`;
}

/** The generators of ids that must be unique within a merchant; a server's can be swapped (tests force clashes). */
export interface IdGenerators {
  impUid(): string;
  cancellationId(now: number): string;
}

/** Random ids, fresh per call: a server's generators start as a copy of these. */
export const RANDOM_IDS: Readonly<IdGenerators> = { impUid: newImpUid, cancellationId: newCancellationId };

/** How many draws a fresh id may take; at 10^12 (or 10^8 per day) ids, more than a few means a broken generator. */
const MAX_DRAWS = 16;

/**
 * A generated id the merchant does not hold yet: a clash is drawn again, never an error to the client (ids are
 * unique per merchant, so a clash is possible, if rare). Gives up only if the generator keeps repeating itself.
 */
export function freshId(generate: () => string, taken: (id: string) => boolean): string {
  for (let i = 0; i < MAX_DRAWS; i++) {
    const id = generate();
    if (!taken(id)) return id;
  }
  throw new Error(`id generator repeated taken ids ${MAX_DRAWS} times`);
}

/** An 8-digit card approval number. */
export function newApplyNum(): string {
  return digits[8]();
}

/** YYYYMMDDhhmmss in KST, the clock PGs stamp their ids with. */
export function kstStamp(now: number): string {
  return new Date((now + 9 * 3600) * 1000).toISOString().replace(/\D/g, '').slice(0, 14);
}

/** A transaction id in the style of the PG: NICE `{MID}0116{yyMMddhhmmss}{4}`, KCP 14 digits, others prefixed. */
export function newPgTid(pgProvider: string, pgId: string, now: number): string {
  const stamp = kstStamp(now);
  switch (pgProvider) {
    case 'nice':
    case 'nice_v2':
      return `${pgId}0116${stamp.slice(2)}${digits[4]()}`;
    case 'kcp':
    case 'kcp_billing':
      return `${stamp.slice(2, 8)}${digits[8]()}`;
    default:
      return `${pgProvider}_${stamp}${digits[6]()}`;
  }
}

/** The PG's receipt page for a transaction (a URL shaped like the PG's; the mock does not serve it). */
export function receiptUrl(pgProvider: string, pgTid: string): string {
  switch (pgProvider) {
    case 'nice':
    case 'nice_v2':
      return `https://npg.nicepay.co.kr/issue/IssueLoader.do?TID=${pgTid}&type=0&InnerWin=Y`;
    case 'kcp':
    case 'kcp_billing':
      return `https://admin8.kcp.co.kr/assist/bill.BillActionNew.do?cmd=card_bill&tno=${pgTid}`;
    default:
      return `https://iamport-mock.local/receipts/${pgProvider}/${pgTid}`;
  }
}
