// Other runtimes' stock HTTP clients reach the mock through its HTTPS proxy with the README's configuration only
// (proxy and CA settings, verification on): curl, Python requests, Java. Each skips where its runtime is missing.

import t, { type Test } from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO, startServer } from '../helpers.js';
import { available, runProcess } from './support.js';

const BODY = JSON.stringify(DEMO);

/** A getToken answer printed by a client: HTTP 200 and an access token in the envelope. */
function assertToken(t: Test, what: string, r: { code: number | null; stdout: string; stderr: string }) {
  t.equal(r.code, 0, `${what} exits 0: ${r.stderr.slice(0, 500)}`);
  const body = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  t.equal(body.code, 0, `${what}: envelope code 0`);
  t.equal(typeof body.response?.access_token, 'string', `${what}: an access token`);
}

const skipUnless = (ok: boolean, why: string) => (ok ? {} : { skip: why });
const curl = skipUnless(await available('curl', ['--version']), 'curl is not installed');
const python = skipUnless(
  await available('python3', ['-c', 'import requests']),
  'python3 with requests is not installed',
);
const php = skipUnless(
  await available('php', ['-r', 'exit(function_exists("curl_init") ? 0 : 1);']),
  'php with curl is not installed',
);
const GUZZLE = '/usr/share/php/GuzzleHttp/autoload.php'; // Debian's php-guzzlehttp-guzzle
const java = skipUnless(
  (await available('java', ['-version'])) && (await available('keytool', ['-help'])),
  'java and keytool are not installed',
);

t.test('curl with HTTPS_PROXY and --cacert', curl, async (t) => {
  const server = await startServer(t, { tlsDir: t.testdir() });
  const ca = (await server.tls()).files.caCert!;
  const args = ['-sS', '-H', 'content-type: application/json', '-d', BODY, 'https://api.iamport.kr/users/getToken'];
  assertToken(t, 'curl', await runProcess('curl', ['--cacert', ca, ...args], { HTTPS_PROXY: server.url }));
  const untrusted = await runProcess('curl', args, { HTTPS_PROXY: server.url });
  t.not(untrusted.code, 0, 'without --cacert curl refuses the certificate');
  t.match(untrusted.stderr, /certificate/i);
});

t.test('Python requests with HTTPS_PROXY and REQUESTS_CA_BUNDLE', python, async (t) => {
  const server = await startServer(t, { tlsDir: t.testdir() });
  const ca = (await server.tls()).files.caCert!;
  const script = [
    'import requests',
    `r = requests.post('https://api.iamport.kr/users/getToken', json=${BODY})`,
    'print(r.text)',
  ].join('\n');
  assertToken(
    t,
    'requests',
    await runProcess('python3', ['-c', script], { HTTPS_PROXY: server.url, REQUESTS_CA_BUNDLE: ca }),
  );
  const untrusted = await runProcess('python3', ['-c', script], { HTTPS_PROXY: server.url });
  t.not(untrusted.code, 0, 'without the CA bundle requests refuses the certificate');
  t.match(untrusted.stderr, /CERTIFICATE_VERIFY_FAILED/);
});

// PHP's curl extension with the proxy from HTTPS_PROXY and curl.cainfo; then Guzzle with its verify option.
const PHP = `<?php
$body = $argv[1];
$c = curl_init('https://api.iamport.kr/users/getToken');
curl_setopt_array($c, [CURLOPT_POST => true, CURLOPT_RETURNTRANSFER => true, CURLOPT_POSTFIELDS => $body,
  CURLOPT_HTTPHEADER => ['Content-Type: application/json']]);
$r = curl_exec($c);
if ($r === false) { fwrite(STDERR, curl_error($c)); exit(1); }
echo $r, "\n";
if (getenv('GUZZLE') && is_file(getenv('GUZZLE'))) {
  require getenv('GUZZLE');
  $g = new GuzzleHttp\\Client(['verify' => getenv('CA')]);
  $res = $g->post('https://api.iamport.kr/users/getToken',
    ['body' => $body, 'headers' => ['Content-Type' => 'application/json']]);
  echo 'guzzle ', $res->getBody(), "\n";
}
`;

t.test('PHP curl with HTTPS_PROXY and curl.cainfo; Guzzle with verify', php, async (t) => {
  const dir = t.testdir({ 'token.php': PHP });
  const server = await startServer(t, { tlsDir: path.join(dir, 'tls') });
  const ca = (await server.tls()).files.caCert!;
  const script = path.join(dir, 'token.php');
  const env = { HTTPS_PROXY: server.url, CA: ca, GUZZLE };
  const r = await runProcess('php', ['-d', `curl.cainfo=${ca}`, script, BODY], env);
  assertToken(t, 'php curl', { ...r, stdout: r.stdout.split('\n')[0]! });
  if (fs.existsSync(GUZZLE)) {
    const guzzle = r.stdout.split('\n').find((l) => l.startsWith('guzzle '));
    t.equal(JSON.parse(guzzle!.slice(7)).code, 0, 'Guzzle (proxy from HTTPS_PROXY, CA from verify) got a token');
  }
  const untrusted = await runProcess('php', [script, BODY], { HTTPS_PROXY: server.url });
  t.not(untrusted.code, 0, 'without curl.cainfo PHP refuses the certificate');
  t.match(untrusted.stderr, /certificate/i);
});

const JAVA = `
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;

public class GetToken {
  public static void main(String[] args) throws Exception {
    HttpURLConnection c = (HttpURLConnection) new URL("https://api.iamport.kr/users/getToken").openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    try (OutputStream o = c.getOutputStream()) { o.write(args[0].getBytes(StandardCharsets.UTF_8)); }
    try (InputStream i = c.getInputStream()) {
      System.out.println(new String(i.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
`;

t.test('Java with https.proxyHost and a trust store made by keytool -importcert', java, async (t) => {
  const dir = t.testdir({ 'GetToken.java': JAVA });
  const server = await startServer(t, { tlsDir: path.join(dir, 'tls') });
  const ca = (await server.tls()).files.caCert!;
  const store = path.join(dir, 'truststore.p12');
  const imported = await runProcess(
    'keytool',
    [
      '-importcert',
      '-noprompt',
      '-alias',
      'iamport-mock',
      '-file',
      ca,
      '-keystore',
      store,
      '-storetype',
      'PKCS12',
      '-storepass',
      'changeit',
    ],
    {},
  );
  t.equal(imported.code, 0, imported.stderr);
  t.ok(fs.existsSync(store));
  const port = new URL(server.url).port;
  const proxy = ['-Dhttps.proxyHost=127.0.0.1', `-Dhttps.proxyPort=${port}`];
  const runJava = (extra: string[]) =>
    runProcess('java', [...proxy, ...extra, path.join(dir, 'GetToken.java'), BODY], {}, 120_000);
  assertToken(
    t,
    'java',
    await runJava([`-Djavax.net.ssl.trustStore=${store}`, '-Djavax.net.ssl.trustStorePassword=changeit']),
  );
  const untrusted = await runJava([]);
  t.not(untrusted.code, 0, 'with the default trust store Java refuses the certificate');
  t.match(untrusted.stderr, /PKIX path building failed|SSLHandshakeException/);
});
