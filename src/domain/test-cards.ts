// The deterministic test-card catalogue (reference §15 row 11): which reserved card numbers fail, where, and with what
// text.

export type TestCardKind =
  /** Billing-key issue and key-in (onetime) payments are rejected: code -1, `reason` in the message. */
  | 'issue_fail'
  /**
   * The card issues fine, but every charge (again, schedule execution, onetime) is declined with `reason` as
   * fail_reason.
   */
  | 'charge_fail';

export interface TestCard {
  /** Always in the reserved range 4000-0000-0000-XXXX; the last four digits select the outcome. */
  card_number: string;
  kind: TestCardKind;
  /** issue_fail: the PG detail appended to the failure message; charge_fail: the payment's fail_reason. */
  reason: string;
  /** English, for the README table. */
  description: string;
}

/** The range no PortOne documentation example uses, so real-looking numbers never hit it by accident. */
export const TEST_CARD_PREFIX = '400000000000';

/**
 * 00xx endings fail at issue, 01xx endings fail at charge. Any number not listed here, including the
 * rest of the reserved range, is a good card.
 */

const TRY_ANOTHER = '다른 카드를 이용해주세요.';
export const TEST_CARDS: readonly TestCard[] = Object.freeze([
  {
    card_number: '4000-0000-0000-0002',
    kind: 'issue_fail',
    reason: '[F112]유효하지않은 카드번호를 입력하셨습니다. (card_bin 없음)',
    description: 'Invalid card number (unknown BIN)',
  },
  {
    card_number: '4000-0000-0000-0003',
    kind: 'issue_fail',
    reason: '[F104]분실 또는 도난 신고된 카드입니다.',
    description: 'Card reported lost or stolen',
  },
  {
    card_number: '4000-0000-0000-0004',
    kind: 'issue_fail',
    reason: '[F105]카드사에서 빌링키 발급을 거절하였습니다.',
    description: 'Card company refuses to issue a billing key',
  },
  {
    card_number: '4000-0000-0000-0005',
    kind: 'issue_fail',
    reason: `[F118]테스트모드에서는 KB카드 사용이 불가능합니다. ${TRY_ANOTHER}`,
    description: 'Test-mode restriction on the card company (KB style)',
  },
  {
    card_number: '4000-0000-0000-0006',
    kind: 'issue_fail',
    reason: '[F108]카드 비밀번호가 일치하지 않습니다.',
    description: 'Wrong card PIN (pwd_2digit mismatch)',
  },
  {
    card_number: '4000-0000-0000-0007',
    kind: 'issue_fail',
    reason: '[F109]생년월일 또는 사업자번호가 카드 정보와 일치하지 않습니다.',
    description: 'Birth date / business number does not match the card',
  },
  {
    card_number: '4000-0000-0000-0101',
    kind: 'charge_fail',
    reason: '[8330] 잔액부족',
    description: 'Charges declined: insufficient balance',
  },
  {
    card_number: '4000-0000-0000-0102',
    kind: 'charge_fail',
    reason: '[8324] 한도초과',
    description: 'Charges declined: credit limit exceeded',
  },
  {
    card_number: '4000-0000-0000-0103',
    kind: 'charge_fail',
    reason: '[8319] 분실/도난 카드',
    description: 'Charges declined: card reported lost or stolen after issue',
  },
  {
    card_number: '4000-0000-0000-0104',
    kind: 'charge_fail',
    reason: '[8325] 유효기간 경과',
    description: 'Charges declined: card expired according to the issuer',
  },
  {
    card_number: '4000-0000-0000-0105',
    kind: 'charge_fail',
    reason: '[8326] 거래정지 카드',
    description: 'Charges declined: card suspended',
  },
  {
    card_number: '4000-0000-0000-0106',
    kind: 'charge_fail',
    reason: '[8392] 카드사 시스템 오류',
    description: 'Charges declined: card company system error',
  },
] satisfies TestCard[]);

/** A documented card that always succeeds: PortOne's own docs example, which maps to BC카드 (361), credit. */
export const ALWAYS_SUCCEEDS_CARD = Object.freeze({
  card_number: '4330-1200-1234-5678',
  description: 'Always succeeds (any number outside the catalogue does too)',
});

const BY_DIGITS = new Map(TEST_CARDS.map((c) => [c.card_number.replace(/-/g, ''), c]));

/** The catalogue entry for a card number given as digits without dashes, if it is one. */
export function findTestCard(digits: string): TestCard | undefined {
  return BY_DIGITS.get(digits);
}
