// The messages of the mock's own control API (clock, state, admin, faults, webhook log, fixtures) in one catalogue.

const NOT_BACKWARDS = '시계를 과거로 되돌릴 수 없습니다.';
/** Export and import act on a merchant with all its tiers. */
const WHOLE_MERCHANT = 'Tier 헤더 없이 가맹점 전체에 대해서만 할 수 있습니다.';

export const CLOCK = {
  backwards: NOT_BACKWARDS,
  setBackwards: (now: number, set: number) => `${NOT_BACKWARDS} (현재 ${now}, 요청 ${set})`,
} as const;

export const CONTROL = {
  databaseUnreachable: 'database unreachable',
  adminOff: '관리자 API가 꺼져 있습니다. (--admin-token으로 켤 수 있습니다)',
  adminUnauthorized: 'Unauthorized',
  exportNeedsMerchant: `상태 내보내기는 ${WHOLE_MERCHANT}`,
  importNeedsMerchant: `상태 가져오기는 ${WHOLE_MERCHANT}`,
  importOneMerchant: 'merchants에는 가맹점 하나만 있어야 합니다.',
  faultNotFound: (id: number) => `장애 주입 규칙이 존재하지 않습니다. (id: ${id})`,
  injectedFault: '일시적인 오류가 발생했습니다. (injected fault)',
  webhookNotFound: (id: number) => `웹훅 발송 기록이 존재하지 않습니다. (id: ${id})`,
} as const;

export const FIXTURES = {
  badTime: (value: string) => `시각 형식이 올바르지 않습니다: ${value}`,
  inUse: (fields: readonly string[]) => `${fields.join(', ')} 값이 이미 사용 중입니다.`,
  cannotRead: (file: string, code: string) => `${file}: cannot read fixtures file (${code})`,
  invalidYaml: (where: string, message: string) => `${where}: invalid YAML: ${message}`,
  keyTwice: (file: string, impKey: string) => `${file}: merchants: imp_key ${impKey} appears twice`,
} as const;
