// The messages of the mock's own control API (clock, state, admin, faults, webhook log, fixtures) in one catalogue.

const NOT_BACKWARDS = '시계를 과거로 되돌릴 수 없습니다.';
/** Export and import act on a merchant with all its tiers. */
const WHOLE_MERCHANT = 'Tier 헤더 없이 가맹점 전체에 대해서만 할 수 있습니다.';

export const CLOCK = {
  backwards: NOT_BACKWARDS,
  setBackwards: (now: number, set: number) => `${NOT_BACKWARDS} (현재 ${now}, 요청 ${set})`,
  pastTheEnd: (last: number) => `시계를 ${last}(9999-12-31 23:59:59 KST) 너머로 옮길 수 없습니다.`,
} as const;

export const CONTROL = {
  databaseUnreachable: 'database unreachable',
  adminOff: '관리자 API가 꺼져 있습니다. (--admin-token으로 켤 수 있습니다)',
  adminUnauthorized: 'Unauthorized',
  exportNeedsMerchant: `상태 내보내기는 ${WHOLE_MERCHANT}`,
  importNeedsMerchant: `상태 가져오기는 ${WHOLE_MERCHANT}`,
  importOneMerchant: 'merchants에는 가맹점 하나만 있어야 합니다.',
  importOtherKey: (impKey: string) =>
    `merchants[0].imp_key: 가져오기는 호출한 가맹점(${impKey})만 바꿀 수 있습니다. imp_key를 ${impKey}로 적어 주세요.`,
  faultNotFound: (id: number) => `장애 주입 규칙이 존재하지 않습니다. (id: ${id})`,
  injectedFault: '일시적인 오류가 발생했습니다. (injected fault)',
  webhookNotFound: (id: number) => `웹훅 발송 기록이 존재하지 않습니다. (id: ${id})`,
} as const;

export const FAULTS = {
  unknownMethod: (method: string, path: string) =>
    `method: 알 수 없는 HTTP 메소드입니다: ${method} (path: ${path}; GET, POST, PUT, DELETE, PATCH, HEAD 또는 *)`,
  noRoute: (method: string, path: string) =>
    `path: ${path} 에 해당하는 iamport API가 없어 규칙이 발동할 수 없습니다. (method: ${method})`,
  tooMany: (limit: number) =>
    `장애 주입 규칙은 가맹점(또는 Tier)마다 ${limit}개까지 둘 수 있습니다. 쓰지 않는 규칙을 지우세요. (DELETE /__mock/faults)`,
} as const;

export const FIXTURES = {
  badTime: (value: string) => `시각 형식이 올바르지 않습니다: ${value}`,
  timeOutOfRange: (what: number | string, last: number) =>
    `시각이 범위를 벗어났습니다: ${what} (0 ~ ${last}, 9999-12-31 23:59:59 KST까지)`,
  cancelledOverAmount: (cancelled: number, amount: number) =>
    `cancel_amount(${cancelled})가 결제금액(${amount})보다 큽니다.`,
  inUse: (fields: readonly string[]) => `${fields.join(', ')} 값이 이미 사용 중입니다.`,
  cannotRead: (file: string, code: string) => `${file}: cannot read fixtures file (${code})`,
  invalidYaml: (where: string, message: string) => `${where}: invalid YAML: ${message}`,
  twice: (field: string, value: string, first: string) => `${field} ${value} appears twice (also ${first})`,
  unknownTier: (tier: string) => `tier_code ${tier} is not one of sub_merchants`,
  unknownCustomer: (customerUid: string) =>
    `customer_uid ${customerUid}: a pending schedule needs a billing key of that customer in billing_keys`,
  union: (value: string, expected: string) => `${value} is not valid: expected ${expected}`,
} as const;
