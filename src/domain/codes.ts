// Standard code tables (금융결제원) behind GET /cards and GET /banks: card companies and banks, by code.

import { CARD_COMPANIES } from './card-companies.js';
import { IamportError } from './errors.js';
import { CODES } from './messages.js';

/** One row of GET /cards or GET /banks (StandardCodeAnnotation). */
export interface StandardCode {
  code: string;
  name: string;
}

/**
 * Card companies, named as payments and billing keys name them in `card_name`, so a client can map a
 * card_code from a payment to the same name GET /cards/{code} answers.
 */
export const CARD_CODES: readonly StandardCode[] = Object.freeze(
  CARD_COMPANIES.map((c) => ({ code: c.code, name: c.card_name })),
);

/** Banks by their 금융결제원 standard code (three digits). Securities firms are not listed. */
export const BANK_CODES: readonly StandardCode[] = Object.freeze([
  { code: '002', name: 'KDB산업은행' },
  { code: '003', name: 'IBK기업은행' },
  { code: '004', name: 'KB국민은행' },
  { code: '007', name: '수협은행' },
  { code: '011', name: 'NH농협은행' },
  { code: '012', name: '지역농축협' },
  { code: '020', name: '우리은행' },
  { code: '023', name: 'SC제일은행' },
  { code: '027', name: '한국씨티은행' },
  { code: '031', name: '대구은행' },
  { code: '032', name: '부산은행' },
  { code: '034', name: '광주은행' },
  { code: '035', name: '제주은행' },
  { code: '037', name: '전북은행' },
  { code: '039', name: '경남은행' },
  { code: '045', name: '새마을금고' },
  { code: '048', name: '신협' },
  { code: '050', name: '저축은행' },
  { code: '054', name: 'HSBC은행' },
  { code: '055', name: '도이치은행' },
  { code: '057', name: 'JP모간체이스은행' },
  { code: '060', name: 'BOA은행' },
  { code: '062', name: '중국공상은행' },
  { code: '064', name: '산림조합' },
  { code: '071', name: '우체국' },
  { code: '081', name: '하나은행' },
  { code: '088', name: '신한은행' },
  { code: '089', name: '케이뱅크' },
  { code: '090', name: '카카오뱅크' },
  { code: '092', name: '토스뱅크' },
]);

function lookup(table: readonly StandardCode[], code: string, message: (code: string) => string): StandardCode {
  const found = table.find((row) => row.code === code);
  // A look-up answers 404 like the other GET look-ups (reference §1.4).
  if (!found) throw new IamportError(-1, message(code), 404);
  return found;
}

export function findCardCode(code: string): StandardCode {
  return lookup(CARD_CODES, code, CODES.cardNotFound);
}

export function findBankCode(code: string): StandardCode {
  return lookup(BANK_CODES, code, CODES.bankNotFound);
}
