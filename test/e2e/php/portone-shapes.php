<?php
// Drives Guzzle with the request shapes PHP iamport clients produce, against the mock at argv[1], and prints every
// answer as one JSON object keyed by step (test/e2e/client-php.test.ts asserts on it).
//
// The "official" steps reproduce what PortOne's own PHP client (iamport/rest-client 2.x) sends, as read from its
// sources: a middleware that puts `Content-Type: application/json; charset=utf-8` on every request (GET and DELETE
// without a body included), `Authorization: Bearer <token>`, bodies that are json_encode() of every property of the
// request object (unset ones as null, empty arrays as [], a closure as {}), endpoints with a trailing slash, and
// query arrays built by Guzzle (customer_uid[0]=…). The "form" steps send what PHP shops that post forms send:
// http_build_query bodies with bracket nesting, '' for empty inputs and "1"/"0" for booleans.
// Usage: php portone-shapes.php BASE_URL IMP_KEY IMP_SECRET NOW

declare(strict_types=1);

require '/usr/share/php/GuzzleHttp/autoload.php';

use GuzzleHttp\Client;
use GuzzleHttp\HandlerStack;
use GuzzleHttp\Middleware;
use Psr\Http\Message\RequestInterface;

[$script, $base, $impKey, $impSecret, $now] = $argv;
$now = (int) $now;
$day = 86400;

/** A client like the official one: JSON content type on everything, the token when there is one. */
function officialClient(string $base, ?string $token): Client
{
    $stack = HandlerStack::create();
    $stack->push(Middleware::mapRequest(function (RequestInterface $r) use ($token) {
        $r = $r->withHeader('Content-Type', 'application/json; charset=utf-8')
            ->withHeader('Accept', 'application/json');
        return $token === null ? $r : $r->withHeader('Authorization', 'Bearer ' . $token);
    }));
    return new Client(['handler' => $stack, 'base_uri' => $base, 'http_errors' => false]);
}

/** A plain Guzzle client sending forms, the way hand-written PHP integrations do. */
function formClient(string $base, string $token): Client
{
    return new Client(['base_uri' => $base, 'http_errors' => false, 'headers' => ['Authorization' => $token]]);
}

$results = [];
function record(string $step, $response): array
{
    global $results;
    $decoded = json_decode((string) $response->getBody(), true);
    $results[$step] = [
        'status' => $response->getStatusCode(),
        'code' => $decoded['code'] ?? null,
        'message' => $decoded['message'] ?? null,
        'response' => $decoded['response'] ?? null,
    ];
    return $results[$step];
}

// Token: the official client posts its credentials as JSON.
$auth = record('getToken', officialClient($base, null)->post('/users/getToken', [
    'json' => ['imp_key' => $impKey, 'imp_secret' => $impSecret],
]));
$token = $auth['response']['access_token'];
$api = officialClient($base, $token);
$post = function (string $path, array $body) use ($api) {
    // json_encode of the request object's properties: what the client puts in 'body'.
    return $api->request('POST', $path, ['body' => json_encode($body)]);
};

// Billing key: every property of the request object, unset ones null.
$card = ['card_number' => '4330-1200-1234-5678', 'expiry' => '2099-12', 'birth' => '900101', 'pwd_2digit' => '12'];
$customerFields = [
    'customer_name' => null, 'customer_tel' => null, 'customer_email' => null,
    'customer_addr' => null, 'customer_postcode' => null,
];
record('issue', $post('/subscribe/customers/php_key', ['customer_uid' => 'php_key', 'pg' => null] + $card
    + $customerFields + ['extraCondition' => null]));
record('issue2', $post('/subscribe/customers/php_key2', ['customer_uid' => 'php_key2', 'pg' => ''] + $card
    + ['customer_name' => '홍길동', 'customer_tel' => '', 'customer_email' => null, 'customer_addr' => '',
        'customer_postcode' => null]));
record('view', $api->get('/subscribe/customers/php_key'));
record('viewUnknown', $api->get('/subscribe/customers/php_none'));
record('list', $api->get('/subscribe/customers', ['query' => ['customer_uid' => ['php_key', 'php_none']]]));

// Onetime: customer_uid '' (no key to save), every optional property null, the extra-condition closure as {}.
$order = [
    'tax_free' => null, 'name' => '', 'buyer_name' => null, 'buyer_email' => null, 'buyer_tel' => null,
    'buyer_addr' => null, 'buyer_postcode' => null, 'card_quota' => null, 'custom_data' => null,
    'notice_url' => null,
];
record('onetime', $post('/subscribe/payments/onetime/', ['merchant_uid' => 'php_o1', 'amount' => 5000.0] + $card
    + ['customer_uid' => '', 'pg' => null] + $order + ['extraCondition' => new stdClass()]));

// Again: name '' and an empty PHP array where an object goes.
$again = ['customer_uid' => 'php_key', 'merchant_uid' => 'php_a1', 'amount' => 1000.0] + $order
    + ['extra' => [], 'extraCondition' => new stdClass()];
record('again', $post('/subscribe/payments/again/', $again));
record('againDuplicate', $post('/subscribe/payments/again/', $again));
record('againUnknownKey', $post('/subscribe/payments/again/', ['customer_uid' => 'php_none', 'merchant_uid' => 'php_a2']
    + $again));
record('againTooLong', $post('/subscribe/payments/again/', ['merchant_uid' => str_repeat('m', 41)] + $again));
$impUid = $results['again']['response']['imp_uid'] ?? 'none';

// Look-ups, with the client's trailing slashes and Guzzle-built queries.
record('byImpUid', $api->get('/payments/' . $impUid));
record('byImpUidUnknown', $api->get('/payments/imps_000000000000'));
record('byImpUids', $api->get('/payments/', ['query' => ['imp_uid' => [$impUid]]]));
record('find', $api->get('/payments/find/php_a1', ['query' => ['sorting' => '-started']]));
record('findAll', $api->get('/payments/findAll/php_a1', ['query' => ['sorting' => '-started', 'page' => 1]]));
record('byStatus', $api->get('/payments/status/paid', [
    'query' => ['sorting' => '-started', 'page' => 1, 'limit' => 20],
]));
record('keyPayments', $api->get('/subscribe/customers/php_key/payments', ['query' => ['page' => 1]]));

// Cancels: the request object with every property, extra null; then extra as an object with a null requester.
$cancel = [
    'imp_uid' => null, 'merchant_uid' => null, 'amount' => null, 'tax_free' => null, 'checksum' => null,
    'reason' => null, 'refund_holder' => null, 'refund_bank' => null, 'refund_account' => null,
    'refund_tel' => null, 'extra' => null,
];
record('cancelPartial', $post('/payments/cancel/', ['imp_uid' => $impUid, 'amount' => 300.0, 'checksum' => 1000.0,
    'reason' => '부분 취소'] + $cancel));
record('cancelRest', $post('/payments/cancel/', ['merchant_uid' => 'php_a1', 'extra' => ['requester' => null]]
    + $cancel));
record('cancelAgain', $post('/payments/cancel/', ['imp_uid' => $impUid] + $cancel));

// Schedules on an existing key, the card fields present but empty.
$item = fn (string $uid, int $at) => ['merchant_uid' => $uid, 'schedule_at' => $at, 'amount' => 2000.0,
    'tax_free' => null, 'name' => null, 'buyer_name' => null, 'buyer_email' => null, 'buyer_tel' => null,
    'buyer_addr' => null, 'buyer_postcode' => null, 'notice_url' => null];
record('schedule', $post('/subscribe/payments/schedule/', [
    'customer_uid' => 'php_key', 'checking_amount' => null, 'card_number' => '', 'expiry' => '', 'birth' => '',
    'pwd_2digit' => '', 'pg' => null,
    'schedules' => [$item('php_s1', $now + $day), $item('php_s2', $now + 2 * $day), $item('php_s3', $now + 3 * $day)],
]));
record('scheduleView', $api->get('/subscribe/payments/schedule/php_s1'));
record('scheduleViewUnknown', $api->get('/subscribe/payments/schedule/php_none'));
record('customerSchedules', $api->get('/subscribe/payments/schedule/customers/php_key', [
    'query' => ['page' => 1, 'from' => $now, 'to' => $now + 10 * $day, 'schedule-status' => null],
]));
record('customerSchedulesScheduled', $api->get('/subscribe/customers/php_key/schedules', [
    'query' => ['page' => 1, 'from' => $now, 'to' => $now + 10 * $day, 'schedule-status' => 'scheduled'],
]));
record('unscheduleOne', $post('/subscribe/payments/unschedule/', ['customer_uid' => 'php_key',
    'merchant_uid' => ['php_s2']]));
$unscheduleAll = ['customer_uid' => 'php_key', 'merchant_uid' => null];
record('unscheduleRest', $post('/subscribe/payments/unschedule/', $unscheduleAll));
record('unscheduleNothing', $post('/subscribe/payments/unschedule/', $unscheduleAll));

// Prepared amounts.
record('prepare', $post('/payments/prepare', ['merchant_uid' => 'php_p1', 'amount' => 3000.0]));
record('prepareView', $api->get('/payments/prepare/php_p1'));

// Form bodies: bracket nesting, '' for empty inputs, "1"/"0" for booleans, null left out by http_build_query.
$form = formClient($base, $token);
record('formAgain', $form->post('/subscribe/payments/again', ['form_params' => [
    'customer_uid' => 'php_key', 'merchant_uid' => 'php_f1', 'amount' => 1000, 'name' => '', 'buyer_name' => '',
    'card_quota' => '', 'interest_free_by_merchant' => true, 'use_card_point' => false, 'notice_url' => '',
    'custom_data' => '', 'buyer_email' => null, 'extra' => ['naverUseCfm' => '20301001'],
]]));
record('formCancel', $form->post('/payments/cancel/', ['form_params' => [
    'merchant_uid' => 'php_f1', 'imp_uid' => '', 'amount' => '', 'checksum' => '', 'reason' => '',
    'enable_webhook' => false, 'extra' => ['requester' => ''],
]]));
record('formSchedule', $form->post('/subscribe/payments/schedule/', ['form_params' => [
    'customer_uid' => 'php_key', 'card_number' => '', 'expiry' => '', 'checking_amount' => '',
    'schedules' => [['merchant_uid' => 'php_fs1', 'schedule_at' => $now + $day, 'amount' => 1500, 'name' => '',
        'buyer_name' => '']],
]]));

// DELETE with the JSON content type and no body, reason in the query (and the NaverPay requester too).
record('delete', $api->delete('/subscribe/customers/php_key2', ['query' => ['reason' => '해지',
    'extra[requester]' => 'admin']]));
record('deleteUnknown', $api->delete('/subscribe/customers/php_key2', ['query' => ['reason' => '해지']]));

// A token the server does not know.
record('badToken', officialClient($base, str_repeat('0', 40))->get('/subscribe/customers/php_key'));

echo json_encode($results, JSON_UNESCAPED_UNICODE), "\n";
