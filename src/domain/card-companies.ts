// Card-company data: the standard card codes (reference §11), a BIN prefix table, and how a card number maps to an
// issuer.

export interface CardCompany {
  /** Standard 3-character code as the API returns it in `card_code`. */
  code: string;
  /** Short name from the official code table. */
  name: string;
  /** Name as the API returns it in `card_name`. */
  card_name: string;
}

export type CardType = 0 | 1; // 0 credit, 1 check/debit (reference §3.1)

export interface CardIdentity {
  card_code: string;
  card_name: string;
  card_type: CardType;
}

/** Every code of reference §11, in that table's order (the fallback below depends on the order). */
export const CARD_COMPANIES: readonly CardCompany[] = Object.freeze([
  { code: '361', name: 'BC', card_name: 'BC카드' },
  { code: '364', name: '광주', card_name: '광주카드' },
  { code: '365', name: '삼성', card_name: '삼성카드' },
  { code: '366', name: '신한', card_name: '신한카드' },
  { code: '367', name: '현대', card_name: '현대카드' },
  { code: '368', name: '롯데', card_name: '롯데카드' },
  { code: '369', name: '수협', card_name: '수협카드' },
  { code: '370', name: '씨티', card_name: '씨티카드' },
  { code: '371', name: 'NH', card_name: 'NH카드' },
  { code: '372', name: '전북', card_name: '전북카드' },
  { code: '373', name: '제주', card_name: '제주카드' },
  // The official table and the TS client say 하나SK; the Java client says 하나카드. We follow the former.
  { code: '374', name: '하나SK', card_name: '하나SK카드' },
  { code: '381', name: 'KB', card_name: 'KB국민카드' },
  { code: '041', name: '우리', card_name: '우리카드' },
  { code: '071', name: '우체국', card_name: '우체국카드' },
  { code: '045', name: '새마을', card_name: '새마을금고카드' },
  { code: '048', name: '신협', card_name: '신협카드' },
  { code: '002', name: 'KDB', card_name: 'KDB산업은행카드' },
  { code: '089', name: 'K뱅크', card_name: '케이뱅크카드' },
  { code: '090', name: '카카오뱅크', card_name: '카카오뱅크카드' },
  // Not in the official table; only one third-party typing lists it.
  { code: '050', name: '저축은행', card_name: '저축은행카드' },
  { code: 'VIS', name: 'VISA', card_name: '해외비자' },
  { code: 'MAS', name: 'MASTER', card_name: '해외마스터' },
  { code: 'DIN', name: 'DINERS', card_name: '해외다이너스' },
  { code: 'AMX', name: 'AMEX', card_name: '해외AMEX' },
  { code: 'JCB', name: 'JCB', card_name: '해외JCB' },
  { code: 'UNI', name: 'UNIONPAY', card_name: '중국은련' },
  { code: 'DIS', name: 'DISCOVER', card_name: '해외디스커버' },
]);

const BY_CODE = new Map(CARD_COMPANIES.map((c) => [c.code, c]));

export function findCardCompany(code: string): CardCompany | undefined {
  return BY_CODE.get(code);
}

/** Domestic issuers are the ones with numeric codes; the fallback picks among them. */
export const DOMESTIC_CARD_COMPANIES: readonly CardCompany[] = Object.freeze(
  CARD_COMPANIES.filter((c) => /^\d{3}$/.test(c.code)),
);

export interface BinRow {
  prefix: string;
  card_code: string;
  card_type: CardType;
}

/**
 * Realistic-looking issuer prefixes, so that common test numbers come back with a plausible issuer.
 * This is not an authoritative BIN database. Lookup is longest-prefix, so a longer row may refine a
 * shorter one. No row may cover the 4000-0000-0000-XXXX test-card range or the numbers in PortOne's docs
 * other than 4330-1200-…, so those stay on the documented fallback.
 */
export const BIN_TABLE: readonly BinRow[] = Object.freeze([
  // BC
  { prefix: '433012', card_code: '361', card_type: 0 }, // PortOne docs example 4330-1200-1234-5678 (reference §3.2)
  { prefix: '9409', card_code: '361', card_type: 0 },
  { prefix: '940915', card_code: '361', card_type: 1 },
  { prefix: '941161', card_code: '361', card_type: 1 },
  { prefix: '490620', card_code: '361', card_type: 0 },
  // 삼성
  { prefix: '4518', card_code: '365', card_type: 0 },
  { prefix: '451842', card_code: '365', card_type: 1 },
  { prefix: '536181', card_code: '365', card_type: 0 },
  { prefix: '943150', card_code: '365', card_type: 0 },
  // 신한
  { prefix: '451245', card_code: '366', card_type: 0 },
  { prefix: '552576', card_code: '366', card_type: 0 },
  { prefix: '949013', card_code: '366', card_type: 1 },
  // 현대
  { prefix: '402367', card_code: '367', card_type: 0 },
  { prefix: '515594', card_code: '367', card_type: 0 },
  { prefix: '949094', card_code: '367', card_type: 0 },
  // 롯데
  { prefix: '467309', card_code: '368', card_type: 0 },
  { prefix: '540447', card_code: '368', card_type: 0 },
  { prefix: '949097', card_code: '368', card_type: 1 },
  // NH
  { prefix: '456360', card_code: '371', card_type: 0 },
  { prefix: '524040', card_code: '371', card_type: 1 },
  { prefix: '949011', card_code: '371', card_type: 1 },
  // 하나SK
  { prefix: '404825', card_code: '374', card_type: 0 },
  { prefix: '524353', card_code: '374', card_type: 1 },
  { prefix: '949088', card_code: '374', card_type: 0 },
  // KB
  { prefix: '457972', card_code: '381', card_type: 0 },
  { prefix: '457973', card_code: '381', card_type: 1 },
  { prefix: '944541', card_code: '381', card_type: 1 },
  { prefix: '557042', card_code: '381', card_type: 0 },
  // 우리
  { prefix: '538825', card_code: '041', card_type: 0 },
  { prefix: '949034', card_code: '041', card_type: 1 },
  // smaller domestic issuers
  { prefix: '540926', card_code: '370', card_type: 0 },
  { prefix: '949066', card_code: '071', card_type: 1 },
  { prefix: '536510', card_code: '090', card_type: 1 },
  { prefix: '949251', card_code: '089', card_type: 1 },
  // well-known international test numbers, so they come back as foreign cards
  { prefix: '411111', card_code: 'VIS', card_type: 0 },
  { prefix: '555555', card_code: 'MAS', card_type: 0 },
  { prefix: '378282', card_code: 'AMX', card_type: 0 },
  { prefix: '353011', card_code: 'JCB', card_type: 0 },
]);

function identity(code: string, card_type: CardType): CardIdentity {
  const company = BY_CODE.get(code);
  if (!company) throw new Error(`unknown card code in table: ${code}`);
  return { card_code: company.code, card_name: company.card_name, card_type };
}

function lookupBin(digits: string): BinRow | undefined {
  let best: BinRow | undefined;
  for (const row of BIN_TABLE) {
    if (digits.startsWith(row.prefix) && (!best || row.prefix.length > best.prefix.length)) best = row;
  }
  return best;
}

/**
 * Issuer of a card number (dashes and spaces are ignored). Known prefixes come from BIN_TABLE
 * (longest match wins). Unknown numbers get a deterministic fallback, so the same number always
 * yields the same issuer:
 *   - 15 digits starting 34 or 37 → AMX (AMEX), credit;
 *   - starting 35 → JCB, credit;
 *   - otherwise the domestic issuer at index (sum of the first 6 digits) mod DOMESTIC_CARD_COMPANIES.length,
 *     in CARD_COMPANIES order, credit.
 */
export function identifyCard(digits: string): CardIdentity {
  const d = digits.replace(/\D/g, '');
  const row = lookupBin(d);
  if (row) return identity(row.card_code, row.card_type);
  if (d.length === 15 && /^3[47]/.test(d)) return identity('AMX', 0);
  if (d.startsWith('35')) return identity('JCB', 0);
  let sum = 0;
  for (const ch of d.slice(0, 6)) sum += Number(ch);
  const company = DOMESTIC_CARD_COMPANIES[sum % DOMESTIC_CARD_COMPANIES.length];
  if (!company) throw new Error('no domestic card companies');
  return identity(company.code, 0);
}
