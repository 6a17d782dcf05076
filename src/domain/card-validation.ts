// Format checks on raw card fields (number, expiry, birth, PIN digits, CVC) before any card company is "asked".

export interface CardInput {
  card_number?: unknown;
  expiry?: unknown;
  birth?: unknown;
  pwd_2digit?: unknown;
  cvc?: unknown;
}

export interface CheckedCard {
  /** The card number without separators: 16 digits, or 15 for AMEX. */
  digits: string;
  /** Normalised to 'YYYY-MM'. */
  expiry: string;
}

export type CardCheck = { ok: true; card: CheckedCard } | { ok: false; reason: string };

/**
 * One F-code per field, styled like the PG text the live API relays after
 * "카드정보 인증 … 실패하였습니다.". The detail in parentheses names the field and never the
 * submitted value (except a well-formed expiry), so reasons can be logged and stored safely.
 */
export const CARD_CHECK_FAILURES = Object.freeze({
  card_number: { code: 'F112', text: '유효하지않은 카드번호를 입력하셨습니다.' },
  expiry_format: { code: 'F115', text: '유효기간이 올바르지 않습니다.' },
  expired: { code: 'F113', text: '유효기간이 만료된 카드입니다.' },
  birth: { code: 'F114', text: '생년월일 또는 사업자번호가 올바르지 않습니다.' },
  pwd_2digit: { code: 'F116', text: '카드 비밀번호 앞 2자리가 올바르지 않습니다.' },
  cvc: { code: 'F117', text: 'CVC 번호가 올바르지 않습니다.' },
});

type FailureKind = keyof typeof CARD_CHECK_FAILURES;

function fail(kind: FailureKind, detail: string): CardCheck {
  const f = CARD_CHECK_FAILURES[kind];
  return { ok: false, reason: `[${f.code}]${f.text} (${detail})` };
}

const KST_OFFSET_SECONDS = 9 * 3600;

// 16 digits as 4-4-4-4, or AMEX 15 digits as 4-6-5; separators are all dashes or all spaces, or absent.
const CARD_NUMBER_FORMATS = [
  /^\d{16}$/,
  /^\d{4}([- ])\d{4}\1\d{4}\1\d{4}$/,
  /^3[47]\d{13}$/,
  /^3[47]\d{2}([- ])\d{6}\1\d{5}$/,
];
const EXPIRY_FORMAT = /^(\d{4})-?(\d{2})$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The trimmed field as text; undefined when not sent, null when malformed. Form-encoded bodies deliver
 * strings and JSON may deliver numbers; arrays and objects are malformed. null and '' count as not
 * sent because form posts send empty fields for blank inputs.
 */
function text(value: unknown): string | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
  if (typeof value !== 'string') return null;
  const s = value.trim();
  return s === '' ? undefined : s;
}

/** YYMMDD with a real month and day. The century is unknown, so 29 Feb is allowed whenever YY % 4 == 0. */
function isValidBirthDate(s: string): boolean {
  const yy = Number(s.slice(0, 2));
  const mm = Number(s.slice(2, 4));
  const dd = Number(s.slice(4, 6));
  const maxDay = DAYS_IN_MONTH[mm - 1];
  if (maxDay === undefined || dd < 1 || dd > maxDay) return false;
  return !(mm === 2 && dd === 29 && yy % 4 !== 0);
}

/** First second after the expiry month ends in KST: the card is valid strictly before it. */
export function expiryEnd(year: number, month: number): number {
  return Date.UTC(year, month, 1) / 1000 - KST_OFFSET_SECONDS; // month is 1-based, so this is the next month
}

/** Checks the card fields of a billing-key issue or key-in payment against `now` (integer UNIX seconds). */
export function checkCard(input: CardInput, now: number): CardCheck {
  const number = text(input.card_number);
  if (number === undefined) return fail('card_number', 'card_number 누락');
  if (number === null || !CARD_NUMBER_FORMATS.some((re) => re.test(number))) {
    return fail('card_number', 'card_number 형식 오류');
  }
  const digits = number.replace(/\D/g, '');

  const expiryText = text(input.expiry);
  if (expiryText === undefined) return fail('expiry_format', 'expiry 누락');
  const m = expiryText === null ? null : EXPIRY_FORMAT.exec(expiryText);
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) return fail('expiry_format', 'expiry 형식 오류');
  const expiry = `${m[1]}-${m[2]}`;
  if (now >= expiryEnd(Number(m[1]), month)) return fail('expired', `expiry ${expiry}`);

  const birth = text(input.birth);
  if (birth !== undefined) {
    if (birth === null || !/^(\d{6}|\d{10})$/.test(birth)) return fail('birth', 'birth 형식 오류');
    // 000000 is what foreign PGs are documented to send in place of a birth date (reference §4).
    const isDate = birth.length === 10 || birth === '000000' || isValidBirthDate(birth);
    if (!isDate) return fail('birth', 'birth 날짜 오류');
  }

  const pwd = text(input.pwd_2digit);
  const pwdMalformed = pwd !== undefined && (pwd === null || !/^\d{2}$/.test(pwd));
  if (pwdMalformed) return fail('pwd_2digit', 'pwd_2digit 형식 오류');

  const cvc = text(input.cvc);
  if (cvc !== undefined && (cvc === null || !/^\d{3,4}$/.test(cvc))) return fail('cvc', 'cvc 형식 오류');

  return { ok: true, card: { digits, expiry } };
}
