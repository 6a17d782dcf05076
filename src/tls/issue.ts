// Issuing certificates: the local CA (ECDSA P-256, name-constrained) and the server certificate it signs.
// Loaded only when something must be issued: reuse at start needs node:crypto alone.

// @peculiar/x509 resolves its parsers through tsyringe, which needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  NameConstraints,
  id_ce_nameConstraints,
} from '@peculiar/asn1-x509';
import { dnsWithin, isIp } from './names.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

export interface PemPair {
  certPem: string;
  keyPem: string;
}

const DAY = 86_400_000;
/** The CA lives five years; a server certificate 397 days (the longest any TLS client accepts), never past its CA. */
export const CA_LIFETIME_DAYS = 5 * 365;
export const SERVER_LIFETIME_DAYS = 397;
/** Back-dated an hour so a container whose clock lags a little still accepts a certificate issued just now. */
const SKEW = 3_600_000;

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A positive 128-bit serial number (RFC 5280: unique per CA, at most 20 octets). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

async function keyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** Name constraints that permit exactly `names` (and, for DNS names, their sub-domains). */
function nameConstraints(names: readonly string[]): x509.Extension {
  const subtrees = names.map((name) => {
    const base = isIp(name)
      ? new GeneralName({ iPAddress: `${name}/${name.includes(':') ? 128 : 32}` })
      : new GeneralName({ dNSName: name.startsWith('*.') ? name.slice(2) : name });
    return new GeneralSubtree({ base });
  });
  const value = AsnConvert.serialize(new NameConstraints({ permittedSubtrees: new GeneralSubtrees(subtrees) }));
  // Critical, as RFC 5280 requires: a client that cannot enforce the constraints must not trust the CA.
  return new x509.Extension(id_ce_nameConstraints, true, value);
}

/** A new CA whose certificate may only sign the given names. */
export async function createCa(names: readonly string[], now = new Date()): Promise<PemPair> {
  const alg = { ...EC_P256, hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const tag = randomBytes(4).toString('hex');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=iamport-mock local CA ${tag}, O=iamport-mock (test environments only)`,
    notBefore: new Date(now.getTime() - SKEW),
    notAfter: new Date(now.getTime() + CA_LIFETIME_DAYS * DAY),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      nameConstraints(names),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/** The WebCrypto form of a CA's private key (ECDSA P-256/384/521 or RSA), with the signature algorithm to use. */
async function importSigningKey(pem: string): Promise<{ key: CryptoKey; alg: webcrypto.Algorithm & { hash: string } }> {
  const keyObject = createPrivateKey(pem);
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  const details = keyObject.asymmetricKeyDetails ?? {};
  let importAlg: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  let alg: webcrypto.Algorithm & { hash: string };
  if (keyObject.asymmetricKeyType === 'rsa') {
    importAlg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  } else if (keyObject.asymmetricKeyType === 'ec') {
    const curves: Record<string, [string, string]> = {
      prime256v1: ['P-256', 'SHA-256'],
      secp384r1: ['P-384', 'SHA-384'],
      secp521r1: ['P-521', 'SHA-512'],
    };
    const curve = curves[details.namedCurve ?? ''];
    if (!curve) throw new Error(`unsupported EC curve ${details.namedCurve}`);
    importAlg = { name: 'ECDSA', namedCurve: curve[0] };
    alg = { name: 'ECDSA', hash: curve[1] };
  } else {
    throw new Error(`unsupported key type ${keyObject.asymmetricKeyType} (expected RSA or ECDSA)`);
  }
  const key = await webcrypto.subtle.importKey('pkcs8', der, importAlg, false, ['sign']);
  return { key, alg };
}

/** A server certificate for `names`, with a new ECDSA P-256 key, signed by the CA. */
export async function issueServerCert(ca: PemPair, names: readonly string[], now = new Date()): Promise<PemPair> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const signer = await importSigningKey(ca.keyPem);
  const alg = { ...EC_P256, hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notAfter = new Date(Math.min(now.getTime() + SERVER_LIFETIME_DAYS * DAY, caCert.notAfter.getTime()));
  const sans = names.map((name) => ({ type: isIp(name) ? ('ip' as const) : ('dns' as const), value: name }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${names[0]}, O=iamport-mock (test environments only)`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - SKEW),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(sans),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/** Whether a CA may sign `names`: true when it has no name constraints, else every name is in a permitted subtree. */
export function caPermits(caPem: string, names: readonly string[]): boolean {
  const ext = new x509.X509Certificate(caPem).getExtension(id_ce_nameConstraints);
  if (!ext) return true;
  const constraints = AsnConvert.parse(ext.value, NameConstraints);
  const permitted = constraints.permittedSubtrees ?? [];
  const excluded = constraints.excludedSubtrees ?? [];
  const match = (name: string, base: GeneralName) =>
    isIp(name)
      ? base.iPAddress === `${name}/${name.includes(':') ? 128 : 32}`
      : base.dNSName !== undefined && dnsWithin(name, base.dNSName.toLowerCase());
  return names.every((name) => {
    if (excluded.some((s) => match(name, s.base))) return false;
    const sameKind = permitted.filter((s) => (isIp(name) ? s.base.iPAddress : s.base.dNSName) !== undefined);
    // RFC 5280: with no permitted subtree of a name's type, that type is unconstrained.
    return sameKind.length === 0 || sameKind.some((s) => match(name, s.base));
  });
}
