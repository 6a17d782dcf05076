// The messages the iamport emulation answers with, one catalogue per domain area (the live API's own Korean text
// where it is known, reference §§3-8); throw sites name an entry instead of spelling the text.

/** The live API's phrasing of a missing parameter (also the validation answer, http/errors.ts). */
export const missingParameter = (field: string) => `${field} 파라메터가 누락되었습니다.`;
const WRONG_VALUE = '파라메터의 값이 올바르지 않습니다.';
/** The live API's phrasing of a parameter with a wrong value, and why. */
export const invalidParameter = (field: string, why: string) => `${field} ${WRONG_VALUE} (${why})`;

const WHOLE_AMOUNTS = '금액은 정수여야 합니다';

/** Malformed or out-of-range request values that the schemas cannot express. */
export const REQUEST = {
  missingKeys: missingParameter('imp_key, imp_secret'),
  tooManyDecimals: (field: string, currency: string, digits: number, amount: number) =>
    invalidParameter(
      field,
      `${currency} ${digits === 0 ? WHOLE_AMOUNTS : `금액은 소수점 이하 ${digits}자리까지입니다`}: ${amount}`,
    ),
  tooLong: (field: string, max: number, length: number) =>
    invalidParameter(field, `최대 ${max}자까지입니다: ${length}자`),
  pageMissing: (page: number, total: number, limit: number) =>
    `요청하신 페이지(${page})가 존재하지 않습니다. (전체 ${total}건, 페이지당 ${limit}건)`,
  scheduleRangeMissing: `${missingParameter('schedule_from, schedule_to')} (from, to로 보내도 됩니다)`,
} as const;

/** Merchants, tokens and the Tier header. */
export const AUTH = {
  failed: '인증에 실패하였습니다. API키와 secret을 확인하세요.',
  unauthorized: 'Unauthorized',
  notAgency: (tier: string) =>
    '하위 상점(Tier) 권한이 없는 가맹점입니다. ' +
    `Tier 헤더는 에이전시 계정의 토큰으로만 사용할 수 있습니다. (Tier: ${tier})`,
  unknownTier: (tier: string) => `등록되지 않은 하위 상점(Tier) 코드입니다. (Tier: ${tier})`,
} as const;

const NOTHING_REGISTERED = '등록된 정보를 찾을 수 없습니다.';

const NO_SUCH_TIER = '등록되지 않았거나 이미 삭제된 하위 상점(Tier) 코드입니다.';

/** Sub-merchants (GET /tiers/{tier_code}). */
export const TIER = {
  notFound: (tierCode: string) => `${NO_SUCH_TIER} (tier_code: ${tierCode})`,
} as const;

/** Billing keys (/subscribe/customers). */
export const BILLING_KEY = {
  issueFailed: '카드정보 인증 및 빌키 발급에 실패하였습니다.',
  notFound: (customerUid: string) => `요청하신 customer_uid(${customerUid})로 ${NOTHING_REGISTERED}`,
} as const;

const PAID_BEFORE = '(동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)';

const NO_INSTALMENTS = '할부 불가 금액입니다.';
const LUMP_SUM_ONLY = '일시불만 가능';

/** Charges (again, onetime, scheduled executions). */
export const PAYMENT = {
  duplicateMerchantUid: `이미 주문이 이루어진 건입니다. ${PAID_BEFORE}`,
  unknownBuyer: '등록되지 않은 구매자입니다.',
  cardAuthFailed: '카드정보 인증에 실패하였습니다.',
  /** The fail_reason of a charge on a key whose card has expired on the merchant clock. */
  expiredCard: '[8325] 유효기간 경과',
  instalmentTooSmall: (minimum: number) => `[8373] ${NO_INSTALMENTS} (${minimum}원 미만은 ${LUMP_SUM_ONLY})`,
  preparedAmountMismatch: (prepared: number, requested: number) =>
    `사전등록된 결제금액(${prepared})과 결제요청금액(${requested})이 일치하지 않습니다.`,
  taxFreeOverAmount: invalidParameter('tax_free', '면세금액이 결제금액보다 클 수 없습니다'),
  /** A scripted failure without a reason of its own. */
  scriptedDecline: '[9999] 카드사 승인 거절',
} as const;

/** Payment look-ups (/payments). */
export const LOOKUP = {
  notFound: '존재하지 않는 결제정보입니다.',
  unsupportedStatus: '지원되지 않는 상태값입니다.',
  balanceUnsupported:
    '(현재는 PAYCO, KCP만 지원됩니다) 결제건에 대한 금액상세정보가 확인되지 않습니다. ' +
    '결제 상태가 paid 또는 cancelled가 아닌 경우 확인되지 않습니다.',
  fromAfterTo: (from: number, to: number) => `from(${from})이 to(${to})보다 늦을 수 없습니다.`,
} as const;

/** Cancels (/payments/cancel). */
export const CANCEL = {
  nothingToCancel: '취소할 결제건이 존재하지 않습니다.',
  alreadyCancelled: '이미 전액취소된 주문입니다.',
  checksumMismatch: '취소가능 잔액이 일치하지 않습니다.',
  overCancel: '결제취소에 실패하였습니다.(requested cancel amount is bigger than cancelable amount)',
  missingId: 'imp_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.',
  taxFreeOverAmount: invalidParameter('tax_free', '면세 취소금액이 취소금액보다 클 수 없습니다'),
} as const;

const USE_PUT = '금액을 바꾸려면 PUT /payments/prepare를 사용하세요.';

/** Prepared amounts (/payments/prepare). */
export const PREPARE = {
  notFound: '사전등록된 결제정보가 존재하지 않습니다.',
  exists: `이미 사전등록된 merchant_uid입니다. ${USE_PUT}`,
} as const;

const MUST_PRECEDE = '보다 앞서야 합니다.';
const ONLY_PENDING = '결제예약건만 변경할 수 있습니다.';

/** Scheduled payments (/subscribe/payments/schedule…). */
export const SCHEDULE = {
  noCustomer: '등록된 고객정보가 없습니다.',
  noCustomerFor: (customerUid: string) => `등록된 고객정보가 없습니다. (customer_uid: ${customerUid})`,
  duplicate: '이미 예약된 merchant_uid입니다.',
  nothingToRevoke: '취소할 예약결제 기록이 존재하지 않습니다.',
  notFound: '결제예약건이 존재하지 않습니다.',
  rangeBackwards: (from: number, to: number) => `조회 시작시각(${from})은 종료시각(${to})${MUST_PRECEDE}`,
  notPending: (status: string) => `예약 상태(scheduled)인 ${ONLY_PENDING} (현재: ${status})`,
  inThePast: (at: number, now: number) => `schedule_at(${at})이 현재시각(${now})보다 이전입니다.`,
  notRunYet: '아직 실행되지 않은 결제예약건입니다.',
  alreadyPaid: (status: string | null) => `이미 결제된 결제예약건입니다. (payment_status: ${status})`,
  /** The mock's own (a large registration cut by the server's shutdown); nothing of it is kept. */
  shutDown: '서버가 종료되어 결제예약이 등록되지 않았습니다.',
} as const;

/** Standard code tables (/cards, /banks). */
export const CODES = {
  cardNotFound: (code: string) => `카드사 코드(${code})에 해당하는 카드사 정보가 없습니다.`,
  bankNotFound: (code: string) => `은행 코드(${code})에 해당하는 은행 정보가 없습니다.`,
} as const;
