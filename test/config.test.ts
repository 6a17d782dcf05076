// Tests for resolveConfig: defaults, environment variables, precedence, the CLI's defaults and every refusal.

import t from 'tap';
import { ConfigError, DEFAULT_FIXTURES, resolveConfig, type ConfigInput } from '../src/config.js';

t.test('with nothing given, every option takes its documented library default', async (t) => {
  t.same(resolveConfig({}, {}), {
    port: 0,
    host: '127.0.0.1',
    db: ':memory:',
    fixtures: DEFAULT_FIXTURES,
    merchantMode: 'open',
    logLevel: 'silent',
    tokenTtl: 1800,
    tokenClock: 'real',
    notFoundStatus: 200,
    cardMask: 'first8-last4',
    webhookUrl: null,
    webhookRetries: 4,
    webhookRetryInterval: 60_000,
    webhookTimeout: 10_000,
    webhookConcurrency: 64,
    webhookMerchantConcurrency: 2,
    adminToken: null,
    journalLimit: 1000,
    journalBytes: 4 * 1024 * 1024,
    journalTotalBytes: 64 * 1024 * 1024,
    faultRules: 100,
    requestTimeout: 30_000,
    headersTimeout: 10_000,
    connectionTimeout: 600_000,
    keepAliveTimeout: 72_000,
    maxHeaderSize: 16_384,
    shutdownTimeout: 5_000,
    secretKey: null,
    httpsPort: null,
    tlsDir: null,
    tlsCert: null,
    tlsKey: null,
    caCert: null,
    caKey: null,
    tlsNames: [],
    proxyPassthrough: false,
  });
  t.match(DEFAULT_FIXTURES, /fixtures[\\/]default\.yaml$/, 'the default fixtures are the bundled file');
});

t.test('the start command defaults to port 8080, ./data/iamport.db and info logs', async (t) => {
  const config = resolveConfig({}, {}, { cli: true });
  t.equal(config.port, 8080);
  t.equal(config.db, './data/iamport.db');
  t.equal(config.logLevel, 'info');
  t.equal(config.merchantMode, 'open', 'options without a CLI default keep the library default');
  t.equal(config.tokenTtl, 1800);
});

t.test('environment variables set every option, converted to its type', async (t) => {
  const config = resolveConfig(
    {},
    {
      IAMPORT_MOCK_PORT: '9123',
      IAMPORT_MOCK_HOST: '0.0.0.0',
      IAMPORT_MOCK_DB: '/tmp/x.db',
      IAMPORT_MOCK_FIXTURES: '/tmp/f.yaml',
      IAMPORT_MOCK_MERCHANT_MODE: 'strict',
      IAMPORT_MOCK_LOG_LEVEL: 'debug',
      IAMPORT_MOCK_TOKEN_TTL: '600',
      IAMPORT_MOCK_TOKEN_CLOCK: 'merchant',
      IAMPORT_MOCK_NOT_FOUND_STATUS: '404',
      IAMPORT_MOCK_CARD_MASK: 'first6-last4',
      IAMPORT_MOCK_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      IAMPORT_MOCK_WEBHOOK_RETRIES: '0',
      IAMPORT_MOCK_WEBHOOK_RETRY_INTERVAL: '50',
      IAMPORT_MOCK_WEBHOOK_TIMEOUT: '250',
      IAMPORT_MOCK_WEBHOOK_CONCURRENCY: '10',
      IAMPORT_MOCK_WEBHOOK_MERCHANT_CONCURRENCY: '1',
      IAMPORT_MOCK_ADMIN_TOKEN: 'admin-secret',
      IAMPORT_MOCK_JOURNAL_LIMIT: '0',
      IAMPORT_MOCK_JOURNAL_BYTES: '1000',
      IAMPORT_MOCK_JOURNAL_TOTAL_BYTES: '5000',
      IAMPORT_MOCK_FAULT_RULES: '7',
      IAMPORT_MOCK_REQUEST_TIMEOUT: '0',
      IAMPORT_MOCK_HEADERS_TIMEOUT: '500',
      IAMPORT_MOCK_CONNECTION_TIMEOUT: '0',
      IAMPORT_MOCK_KEEP_ALIVE_TIMEOUT: '5',
      IAMPORT_MOCK_MAX_HEADER_SIZE: '4096',
      IAMPORT_MOCK_SHUTDOWN_TIMEOUT: '250',
      IAMPORT_MOCK_SECRET_KEY: 'sixteen-chars-or-more',
      IAMPORT_MOCK_HTTPS_PORT: '8443',
      IAMPORT_MOCK_TLS_DIR: '/tmp/tls',
      IAMPORT_MOCK_TLS_CERT: '/tmp/cert.pem',
      IAMPORT_MOCK_TLS_KEY: '/tmp/key.pem',
      IAMPORT_MOCK_CA_CERT: '/tmp/ca.pem',
      IAMPORT_MOCK_CA_KEY: '/tmp/ca-key.pem',
      IAMPORT_MOCK_TLS_NAMES: 'iamport-mock, 10.0.0.5,',
      IAMPORT_MOCK_PROXY_PASSTHROUGH: 'true',
    },
  );
  t.same(config, {
    port: 9123,
    host: '0.0.0.0',
    db: '/tmp/x.db',
    fixtures: '/tmp/f.yaml',
    merchantMode: 'strict',
    logLevel: 'debug',
    tokenTtl: 600,
    tokenClock: 'merchant',
    notFoundStatus: 404,
    cardMask: 'first6-last4',
    webhookUrl: 'http://127.0.0.1:9/hook',
    webhookRetries: 0,
    webhookRetryInterval: 50,
    webhookTimeout: 250,
    webhookConcurrency: 10,
    webhookMerchantConcurrency: 1,
    adminToken: 'admin-secret',
    journalLimit: 0,
    journalBytes: 1000,
    journalTotalBytes: 5000,
    faultRules: 7,
    requestTimeout: 0,
    headersTimeout: 500,
    connectionTimeout: 0,
    keepAliveTimeout: 5,
    maxHeaderSize: 4096,
    shutdownTimeout: 250,
    secretKey: 'sixteen-chars-or-more',
    httpsPort: 8443,
    tlsDir: '/tmp/tls',
    tlsCert: '/tmp/cert.pem',
    tlsKey: '/tmp/key.pem',
    caCert: '/tmp/ca.pem',
    caKey: '/tmp/ca-key.pem',
    tlsNames: ['iamport-mock', '10.0.0.5'],
    proxyPassthrough: true,
  });
});

t.test('environment variables win over the CLI defaults', async (t) => {
  const config = resolveConfig({}, { IAMPORT_MOCK_PORT: '9000', IAMPORT_MOCK_DB: ':memory:' }, { cli: true });
  t.equal(config.port, 9000);
  t.equal(config.db, ':memory:');
  t.equal(config.logLevel, 'info');
});

t.test('explicit options win over environment variables', async (t) => {
  const env = { IAMPORT_MOCK_PORT: '9000', IAMPORT_MOCK_MERCHANT_MODE: 'strict', IAMPORT_MOCK_TOKEN_TTL: '60' };
  const config = resolveConfig({ port: 7000, merchantMode: 'open', tokenTtl: '120' }, env);
  t.equal(config.port, 7000);
  t.equal(config.merchantMode, 'open');
  t.equal(config.tokenTtl, 120, 'a numeric string option is converted too');
});

t.test('the fixtures option "none" (or null) loads no fixtures', async (t) => {
  t.equal(resolveConfig({ fixtures: 'none' }, {}).fixtures, null);
  t.equal(resolveConfig({ fixtures: null }, {}).fixtures, null);
  t.equal(resolveConfig({}, { IAMPORT_MOCK_FIXTURES: 'none' }).fixtures, null);
});

t.test('each bad value throws a ConfigError naming where it came from', async (t) => {
  const cases: { name: string; input: ConfigInput; env?: NodeJS.ProcessEnv; names: RegExp }[] = [
    { name: 'port 70000', input: { port: 70000 }, names: /option port.*70000.*0 to 65535/ },
    { name: 'port "abc"', input: { port: 'abc' }, names: /option port.*"abc".*whole number/ },
    { name: 'port -1', input: { port: -1 }, names: /option port/ },
    { name: 'port 1.5', input: { port: 1.5 }, names: /option port/ },
    { name: 'token-ttl 0', input: { tokenTtl: 0 }, names: /option tokenTtl.*at least 1/ },
    { name: 'merchant-mode "x"', input: { merchantMode: 'x' }, names: /option merchantMode.*"x".*open, strict/ },
    { name: 'log-level "loud"', input: { logLevel: 'loud' }, names: /option logLevel.*"loud"/ },
    { name: 'not-found-status 500', input: { notFoundStatus: 500 }, names: /option notFoundStatus.*500.*200 or 404/ },
    { name: 'card-mask "last4"', input: { cardMask: 'last4' }, names: /option cardMask/ },
    { name: 'empty host', input: { host: '' }, names: /option host/ },
    {
      name: 'env port 70000',
      input: {},
      env: { IAMPORT_MOCK_PORT: '70000' },
      names: /environment variable IAMPORT_MOCK_PORT.*70000/,
    },
    {
      name: 'env port "abc"',
      input: {},
      env: { IAMPORT_MOCK_PORT: 'abc' },
      names: /environment variable IAMPORT_MOCK_PORT.*"abc"/,
    },
    {
      name: 'env token-ttl 0',
      input: {},
      env: { IAMPORT_MOCK_TOKEN_TTL: '0' },
      names: /environment variable IAMPORT_MOCK_TOKEN_TTL/,
    },
    {
      name: 'env merchant-mode "x"',
      input: {},
      env: { IAMPORT_MOCK_MERCHANT_MODE: 'x' },
      names: /environment variable IAMPORT_MOCK_MERCHANT_MODE/,
    },
    {
      name: 'env log-level "loud"',
      input: {},
      env: { IAMPORT_MOCK_LOG_LEVEL: 'loud' },
      names: /environment variable IAMPORT_MOCK_LOG_LEVEL/,
    },
    {
      name: 'env not-found-status 500',
      input: {},
      env: { IAMPORT_MOCK_NOT_FOUND_STATUS: '500' },
      names: /environment variable IAMPORT_MOCK_NOT_FOUND_STATUS/,
    },
    { name: 'https-port 70000', input: { httpsPort: 70000 }, names: /option httpsPort.*0 to 65535/ },
    {
      name: 'env https-port "x"',
      input: {},
      env: { IAMPORT_MOCK_HTTPS_PORT: 'x' },
      names: /environment variable IAMPORT_MOCK_HTTPS_PORT.*whole number/,
    },
    {
      name: 'env proxy-passthrough "maybe"',
      input: {},
      env: { IAMPORT_MOCK_PROXY_PASSTHROUGH: 'maybe' },
      names: /environment variable IAMPORT_MOCK_PROXY_PASSTHROUGH.*true or false/,
    },
    { name: 'tls-names 5', input: { tlsNames: 5 }, names: /option tlsNames.*comma-separated/ },
    { name: 'token-clock "wall"', input: { tokenClock: 'wall' }, names: /option tokenClock.*"wall".*real, merchant/ },
    {
      name: 'webhook-url "not-a-url"',
      input: { webhookUrl: 'not-a-url' },
      names: /option webhookUrl.*"not-a-url".*absolute http:\/\/ or https:\/\/ URL/,
    },
    { name: 'webhook-url "ftp://x/y"', input: { webhookUrl: 'ftp://x/y' }, names: /option webhookUrl.*"ftp:/ },
    {
      name: 'env webhook-url "localhost:3000/hook"',
      input: {},
      env: { IAMPORT_MOCK_WEBHOOK_URL: 'localhost:3000/hook' },
      names: /environment variable IAMPORT_MOCK_WEBHOOK_URL.*absolute http/,
    },
    { name: 'unknown option key', input: { nope: 1 } as ConfigInput, names: /unknown option\(s\): nope/ },
  ];
  for (const c of cases) {
    t.throws(() => resolveConfig(c.input, c.env ?? {}), { name: 'ConfigError', message: c.names }, c.name);
  }
  // The thrown value is the exported class, so callers (the CLI) can tell it from other failures.
  try {
    resolveConfig({ port: 'abc' }, {});
    t.fail('port "abc" was accepted');
  } catch (e) {
    t.ok(e instanceof ConfigError, 'a ConfigError instance');
  }
});

t.test('a bad environment variable is ignored when an explicit option overrides it', async (t) => {
  t.equal(resolveConfig({ port: 1234 }, { IAMPORT_MOCK_PORT: 'abc' }).port, 1234);
});

t.test('on/off and list options: the forms each source takes', async (t) => {
  t.equal(resolveConfig({}, { IAMPORT_MOCK_PROXY_PASSTHROUGH: '0' }).proxyPassthrough, false);
  t.equal(resolveConfig({}, { IAMPORT_MOCK_PROXY_PASSTHROUGH: 'yes' }).proxyPassthrough, true);
  t.equal(resolveConfig({ proxyPassthrough: true }, {}).proxyPassthrough, true, 'a CLI flag without a value');
  t.strictSame(resolveConfig({ tlsNames: ['a.test', ' b.test '] }, {}).tlsNames, ['a.test', 'b.test']);
  t.equal(resolveConfig({}, { IAMPORT_MOCK_HTTPS_PORT: '' }).httpsPort, null, 'an empty variable: HTTPS off');
});
