import { gzipSync } from 'node:zlib';

/**
 * Malformed and abusive requests, generated from categories: what an outside
 * tester throws at the public port. Each case says what it is; the test
 * checks every answer against the same rules (no 5xx, no leaks, in time).
 */
export interface HttpCase {
  kind: 'http';
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Status expected, when the case pins one down. */
  status?: number;
  /** extensions.code (GraphQL) or code (REST) expected, when pinned down. */
  code?: string;
}

export interface WsCase {
  kind: 'ws';
  name: string;
  /** Raw frames sent after the socket opens (connection_init included when wanted). */
  frames: string[];
  /** Close code expected, when the case pins one down. */
  closeCode?: number;
  /** Error code expected in an `error` message, when pinned down. */
  code?: string;
}

/** An operation sent as a named caller through the testkit's gql helper (which carries the identity). */
export interface GqlCase {
  kind: 'gql';
  name: string;
  query: string;
  variables: Record<string, unknown>;
  caller?: string;
}

export type AbuseCase = HttpCase | GqlCase | WsCase;

const json = { 'content-type': 'application/json' };
const gqlBody = (query: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ query, ...extra });

const repeat = (n: number, f: (i: number) => string, sep = ' ') => Array.from({ length: n }, (_, i) => f(i)).join(sep);

/** Documents that must be refused before any planning or execution, with the code that refuses them. */
function abusiveDocuments(): [string, string, string][] {
  const docs: [string, string, string][] = [];
  for (const depth of [11, 20, 60, 200]) {
    docs.push([`fields nested ${depth} deep`, `{ events { ${'seats { '.repeat(depth)}id${' }'.repeat(depth)} } }`, 'QUERY_TOO_COMPLEX']);
  }
  for (const depth of [12, 100, 390]) {
    docs.push([`inline fragments nested ${depth} deep`, `{ ${'... on Query { '.repeat(depth)}events { id }${' }'.repeat(depth)} }`, 'QUERY_TOO_COMPLEX']);
  }
  docs.push(['inline fragments nested 2,000 deep', `{ ${'... on Query { '.repeat(2000)}events { id }${' }'.repeat(2000)} }`, 'GRAPHQL_PARSE_FAILED']);
  docs.push(['braces nested 30,000 deep', '{'.repeat(30_000), 'GRAPHQL_PARSE_FAILED']);
  for (const levels of [8, 12, 16, 20, 25]) {
    const frags = repeat(levels, (i) => `fragment F${i} on Event { ...F${i + 1} ...F${i + 1} }`);
    docs.push([`doubling fragment spreads, ${levels} levels`, `{ events { ...F0 } } ${frags} fragment F${levels} on Event { id name }`, 'QUERY_TOO_COMPLEX']);
  }
  for (const n of [16, 40, 100]) {
    docs.push([`${n} aliases of the arena seat map`, `{ ${repeat(n, (i) => `a${i}: event(id: "arena10k") { seats { id } }`)} }`, 'QUERY_TOO_COMPLEX']);
  }
  docs.push(['every seat of every event', '{ events { ...S } } fragment S on Event { seats { id } }', 'QUERY_TOO_COMPLEX']);
  docs.push(['300 fields', `{ events { ${repeat(300, () => 'id')} } }`, 'QUERY_TOO_COMPLEX']);
  docs.push(['60 directives', `{ events { id ${repeat(60, () => '@skip(if: false)')} } }`, 'QUERY_TOO_COMPLEX']);
  docs.push(['3,000 tokens', `{ events { ${repeat(3000, () => 'id')} } }`, 'GRAPHQL_PARSE_FAILED']);
  docs.push(['a fragment cycle', '{ events { ...A } } fragment A on Event { ...B } fragment B on Event { ...A }', 'GRAPHQL_VALIDATION_FAILED']);
  docs.push(['an unknown field', '{ nope }', 'GRAPHQL_VALIDATION_FAILED']);
  docs.push(['an unterminated string', '{ event(id: "abc) { id } }', 'GRAPHQL_PARSE_FAILED']);
  docs.push(['binary garbage', '\u0000\u0001\u0002{{{', 'GRAPHQL_PARSE_FAILED']);
  docs.push(['an empty document', '', 'BAD_REQUEST']);
  docs.push(['a subscription over HTTP', 'subscription { seatStatusChanged(eventId: "concert123") { seatId } }', 'OPERATION_NOT_SUPPORTED']);
  docs.push(['two operations and none named', 'query A { events { id } } query B { events { name } }', 'OPERATION_RESOLUTION_FAILURE']);
  return docs;
}

/** Refused whatever operation name comes with the document. */
const DOCUMENT_CODES = new Set(['QUERY_TOO_COMPLEX', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);

function graphqlCases(): (HttpCase | GqlCase)[] {
  const cases: (HttpCase | GqlCase)[] = [];
  for (const [name, query, code] of abusiveDocuments()) {
    // Under no name, the name of an operation in it, and a name of none: the limits hold for all.
    for (const operationName of [undefined, 'A', 'Nope']) {
      const expected = DOCUMENT_CODES.has(code) || operationName === undefined ? code : code === 'OPERATION_RESOLUTION_FAILURE' && operationName === 'A' ? undefined : 'OPERATION_RESOLUTION_FAILURE';
      cases.push({ kind: 'http', name: `${name} (operationName ${operationName ?? 'absent'})`, method: 'POST', path: '/graphql', headers: json, body: gqlBody(query, { operationName }), status: expected ? 400 : undefined, code: expected });
    }
  }
  for (const opName of ['Nope', '', 'A B', 'x'.repeat(5000)]) {
    cases.push({ kind: 'http', name: `operationName ${JSON.stringify(opName.slice(0, 10))} matching no operation`, method: 'POST', path: '/graphql', headers: json, body: gqlBody('query A { events { id } }', { operationName: opName }), status: 400, code: 'OPERATION_RESOLUTION_FAILURE' });
  }
  const bodies: [string, unknown][] = [
    ['query as a number', { query: 42 }],
    ['query as an object', { query: { a: 1 } }],
    ['query as null', { query: null }],
    ['no query', {}],
    ['variables as a string', { query: '{ events { id } }', variables: 'x' }],
    ['variables as an array', { query: '{ events { id } }', variables: [1] }],
    ['extensions as a string', { query: '{ events { id } }', extensions: 'x' }],
    ['a batch of operations', [{ query: '{ events { id } }' }, { query: '{ events { id } }' }]],
    ['an unknown persisted query', { extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } }],
    ['a string', 'hello'],
    ['a bare number', 7],
  ];
  for (const [name, body] of bodies) cases.push({ kind: 'http', name: `body: ${name}`, method: 'POST', path: '/graphql', headers: json, body: JSON.stringify(body) });
  const badVariables: [string, Record<string, unknown>][] = [
    ['a number for an ID', { id: 5 }],
    ['an object for an ID', { id: { $gt: '' } }],
    ['a missing required variable', {}],
    ['a 60 KB id', { id: 'x'.repeat(60_000) }],
    ['an id with control characters', { id: 'concert123\u0000\n' }],
  ];
  for (const [name, variables] of badVariables) {
    cases.push({ kind: 'http', name: `variables: ${name}`, method: 'POST', path: '/graphql', headers: json, body: JSON.stringify({ query: 'query($id: ID!) { event(id: $id) { id } }', variables }) });
  }
  const bookingInputs: [string, unknown][] = [
    ['no seats', { eventId: 'concert123', seatIds: [] }],
    ['11 seats', { eventId: 'arena10k', seatIds: Array.from({ length: 11 }, (_, i) => `A_R1_S${i + 1}`) }],
    ['a seat id with SQL', { eventId: 'concert123', seatIds: ["A1'; DROP TABLE bookings; --"] }],
    ['an event id with a Mongo operator', { eventId: { $ne: null }, seatIds: ['A1'] }],
    ['an unknown event', { eventId: 'nope', seatIds: ['A1'] }],
    ['an unknown seat', { eventId: 'concert123', seatIds: ['ZZ9'] }],
    ['a huge idempotency key', { eventId: 'concert123', seatIds: ['A1'], idempotencyKey: 'k'.repeat(20_000) }],
  ];
  for (const [name, input] of bookingInputs) {
    for (const caller of [undefined, 'abuser']) {
      cases.push({ kind: 'gql', name: `requestBooking with ${name} as ${caller ?? 'nobody'}`, query: 'mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id } }', variables: { input }, caller });
    }
  }
  // CSRF: requests a browser could send cross-site without a preflight.
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    cases.push({ kind: 'http', name: `a mutation sent as ${type}`, method: 'POST', path: '/graphql', headers: { 'content-type': type }, body: gqlBody('mutation { requestBooking(input: {eventId: "concert123", seatIds: ["A1"]}) { id } }'), status: 400 });
  }
  cases.push({ kind: 'http', name: 'a query over GET without a preflight header', method: 'GET', path: `/graphql?query=${encodeURIComponent('{ events { id } }')}`, headers: { accept: 'application/json' }, status: 400 });
  cases.push({ kind: 'http', name: 'a mutation over GET', method: 'GET', path: `/graphql?query=${encodeURIComponent('mutation { requestBooking(input: {eventId: "concert123", seatIds: ["A1"]}) { id } }')}`, headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
  cases.push({ kind: 'http', name: 'GET with a malformed variables parameter', method: 'GET', path: '/graphql?query=%7Bevents%7Bid%7D%7D&variables=%7Bnope', headers: { accept: 'application/json', 'apollo-require-preflight': 'true' }, status: 400 });
  for (const method of ['PUT', 'DELETE', 'PATCH']) cases.push({ kind: 'http', name: `${method} /graphql`, method, path: '/graphql', headers: json, body: gqlBody('{ events { id } }') });
  // The same documents over GET, as a client that passes the CSRF check would send them.
  for (const [name, query, code] of abusiveDocuments()) {
    if (query.length > 6000) continue; // URLs that long are refused by NGINX (414), covered above
    cases.push({ kind: 'http', name: `GET: ${name}`, method: 'GET', path: `/graphql?query=${encodeURIComponent(query)}`, headers: { accept: 'application/json', 'apollo-require-preflight': 'true' }, code: code === 'OPERATION_NOT_SUPPORTED' ? undefined : code });
  }
  // Valid documents cut short at every few characters: each cut is a syntax error.
  const documents = [
    '{ event(id: "concert123") { name seats { id status version } } }',
    'mutation Book($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }',
    'query Q($id: ID!) { booking(id: $id) { status reason event { name } } }',
    '{ events { id name venue startsAt availability { total available } } }',
  ];
  for (const doc of documents) {
    for (let cut = 1; cut < doc.length - 1; cut += 3) {
      cases.push({ kind: 'http', name: `a document cut at ${cut}: ${JSON.stringify(doc.slice(0, 24))}`, method: 'POST', path: '/graphql', headers: json, body: gqlBody(doc.slice(0, cut)), status: 400 });
    }
  }
  return cases;
}

/** Malformed bodies and encodings for both POST routes. */
function encodingCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  // Well-formed underneath, and asking for nothing that exists: a body read right changes nothing either.
  const valid = { '/graphql': gqlBody('{ events { id } }'), '/api/book': JSON.stringify({ userId: 'enc', eventId: 'no-such-event', seatId: 'A1' }) };
  for (const path of ['/graphql', '/api/book'] as const) {
    const variants: [string, Record<string, string>, string | Buffer, number?, string?][] = [
      ['charset=bogus', { 'content-type': 'application/json; charset=bogus' }, valid[path], 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['charset=utf-16 on UTF-8 bytes', { 'content-type': 'application/json; charset=utf-16' }, valid[path], 400],
      ['charset=latin1', { 'content-type': 'application/json; charset=latin1' }, valid[path], 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['Content-Encoding: bogus', { ...json, 'content-encoding': 'bogus' }, valid[path], 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['Content-Encoding: br with plain bytes', { ...json, 'content-encoding': 'br' }, valid[path]],
      ['gzip that is not gzip', { ...json, 'content-encoding': 'gzip' }, valid[path], 400],
      ['deflate that is not deflate', { ...json, 'content-encoding': 'deflate' }, valid[path], 400],
      ['truncated gzip', { ...json, 'content-encoding': 'gzip' }, gzipSync(valid[path]).subarray(0, 12), 400],
      ['gzip of malformed JSON', { ...json, 'content-encoding': 'gzip' }, gzipSync('{"query": '), 400],
      ['a gzip bomb (1 MB of spaces)', { ...json, 'content-encoding': 'gzip' }, gzipSync(' '.repeat(1_000_000)), 413, 'PAYLOAD_TOO_LARGE'],
      ['truncated JSON', json, '{"query": "{ events { id } }"', 400],
      ['JSON with a trailing comma', json, '{"query": "{ events { id } }",}', 400],
      ['JSON with NaN', json, '{"query": NaN}', 400],
      ['JSON nested 10,000 deep', json, `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
      ['invalid UTF-8', json, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
      ['a UTF-8 byte-order mark', json, `\ufeff${valid[path]}`],
      ['an empty body', json, ''],
      ['a body over 64 KiB', json, JSON.stringify({ query: '{ events { id } }', pad: 'x'.repeat(70 * 1024) }), 413],
      ['no content type', {}, valid[path]],
      ['text/plain', { 'content-type': 'text/plain' }, valid[path]],
      ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'userId=a&eventId=concert123&seatId=A1'],
      ['a content type with a huge parameter', { 'content-type': `application/json; x=${'a'.repeat(2000)}` }, valid[path]],
    ];
    for (const [name, headers, body, status, code] of variants) cases.push({ kind: 'http', name: `POST ${path}: ${name}`, method: 'POST', path, headers, body, status, code });
  }
  return cases;
}

function restCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  const ids = ['%FF', '%', '%E0%A4%A', '%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(3000), '%F0%9F%92%A9', 'concert123%0d%0aSet-Cookie:x=1', "concert123'--", '$where', '{"$gt":""}'];
  for (const id of ids) {
    cases.push({ kind: 'http', name: `GET /api/events/${id.slice(0, 20)}`, method: 'GET', path: `/api/events/${id}` });
  }
  cases.push({ kind: 'http', name: 'GET /api/events/%FF answers 400', method: 'GET', path: '/api/events/%FF', status: 400, code: 'BAD_REQUEST' });
  const bodies: [string, unknown][] = [
    ['a missing field', { userId: 'x', eventId: 'concert123' }],
    ['numbers', { userId: 1, eventId: 2, seatId: 3 }],
    ['arrays', { userId: ['x'], eventId: ['concert123'], seatId: ['A1'] }],
    ['objects', { userId: { $ne: 1 }, eventId: 'concert123', seatId: 'A1' }],
    ['nulls', { userId: null, eventId: null, seatId: null }],
    ['a 10 KB user id', { userId: 'u'.repeat(10_000), eventId: 'concert123', seatId: 'A1' }],
    ['a seat id with SQL', { userId: 'x', eventId: 'concert123', seatId: "A1' OR '1'='1" }],
    ['an unknown event', { userId: 'x', eventId: 'nope', seatId: 'A1' }],
    ['an unknown seat', { userId: 'x', eventId: 'concert123', seatId: 'Q99' }],
    ['__proto__', JSON.parse('{"__proto__": {"admin": true}, "userId": "x", "eventId": "concert123"}')],
    ['a JSON array', []],
    ['a JSON string', 'book'],
  ];
  for (const [name, body] of bodies) cases.push({ kind: 'http', name: `POST /api/book with ${name}`, method: 'POST', path: '/api/book', headers: json, body: JSON.stringify(body) });
  // A valid booking body cut short: never JSON, always 400 before anything is booked.
  const valid = JSON.stringify({ userId: 'cut', eventId: 'concert123', seatId: 'A1' });
  for (let cut = 1; cut < valid.length; cut += 1) {
    cases.push({ kind: 'http', name: `POST /api/book with the body cut at ${cut}`, method: 'POST', path: '/api/book', headers: json, body: valid.slice(0, cut), status: 400, code: 'BAD_USER_INPUT' });
  }
  for (const method of ['PUT', 'DELETE', 'PATCH']) {
    for (const path of ['/api/book', '/api/events', '/api/events/concert123']) cases.push({ kind: 'http', name: `${method} ${path}`, method, path, headers: json, body: '{}' });
  }
  for (const path of ['/api/', '/api/nope', '/api/events/concert123/seats', '/api//events', '/nope', '/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/.env', '/graphql/schema.graphql/../x']) {
    cases.push({ kind: 'http', name: `GET ${path}`, method: 'GET', path });
  }
  for (const path of ['/healthz', '/readyz', '/metrics']) cases.push({ kind: 'http', name: `GET ${path} through NGINX`, method: 'GET', path, status: 404 });
  return cases;
}

function headerCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  const requestIds = ['"}],"x":"', 'a\\"b', '{"a":1}', '<script>', 'x'.repeat(500), 'id with spaces', '../../etc', 'ok-id_1.2:3'];
  for (const id of requestIds) {
    for (const path of ['/healthz', '/nope-nginx-404']) cases.push({ kind: 'http', name: `X-Request-Id ${JSON.stringify(id.slice(0, 12))} on ${path}`, method: 'GET', path, headers: { 'x-request-id': id } });
    cases.push({ kind: 'http', name: `X-Request-Id ${JSON.stringify(id.slice(0, 12))} on a too large body`, method: 'POST', path: '/api/book', headers: { ...json, 'x-request-id': id }, body: 'x'.repeat(70 * 1024), status: 413 });
  }
  const odd: [string, Record<string, string>][] = [
    ['a 20 KB cookie', { cookie: `a=${'x'.repeat(20_000)}` }],
    ['100 custom headers', Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-h${i}`, 'v']))],
    ['Accept: */*', { accept: '*/*' }],
    ['Accept of nothing known', { accept: 'application/x-nope' }],
    ['an Authorization header that is not a token', { authorization: 'Bearer not.a.token' }],
    ['an Authorization header with alg none', { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.` }],
    ['a forged X-Forwarded-For', { 'x-forwarded-for': '1.2.3.4, 127.0.0.1' }],
    ['a forged X-Real-IP', { 'x-real-ip': '::1' }],
    ['a Host header of another site', { host: 'evil.example' }],
    ['Origin of another site', { origin: 'https://evil.example' }],
  ];
  for (const [name, headers] of odd) {
    for (const path of ['/graphql', '/api/book']) cases.push({ kind: 'http', name: `${name} on POST ${path}`, method: 'POST', path, headers: { ...json, ...headers }, body: path === '/graphql' ? gqlBody('{ events { id } }') : JSON.stringify({ userId: 'hdr', eventId: 'nope', seatId: 'A1' }) });
  }
  return cases;
}

function wsCases(): WsCase[] {
  const init = JSON.stringify({ type: 'connection_init', payload: {} });
  const sub = (id: string, query: string, operationName?: string) => JSON.stringify({ id, type: 'subscribe', payload: { query, operationName } });
  const cases: WsCase[] = [];
  for (const type of ['next', 'connection_ack', 'error']) {
    cases.push({ kind: 'ws', name: `a client sending ${type} before init`, frames: [JSON.stringify({ type, id: '1', payload: {} })], closeCode: 4400 });
    cases.push({ kind: 'ws', name: `a client sending ${type} after init`, frames: [init, JSON.stringify({ type, id: '1', payload: { data: {} } })], closeCode: 4400 });
  }
  const raw: [string, string[], number?][] = [
    ['malformed JSON', ['{nope'], 4400],
    ['JSON without a type', ['{"id":"1"}'], 4400],
    ['an unknown message type', ['{"type":"hello"}'], 4400],
    ['a number', ['42'], 4400],
    ['null', ['null'], 4400],
    ['subscribe before connection_init', [sub('1', 'subscription { seatStatusChanged(eventId: "concert123") { seatId } }')], 4401],
    ['connection_init twice', [init, init], 4429],
    ['connection_init with a payload that is a string', [JSON.stringify({ type: 'connection_init', payload: 'x' })], 4400],
    ['a subscribe without an id', [init, JSON.stringify({ type: 'subscribe', payload: { query: '{x}' } })], 4400],
    ['a subscribe whose query is a number', [init, JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 5 } })], 4400],
    ['the same subscription id twice', [init, sub('1', 'subscription { seatStatusChanged(eventId: "concert123") { seatId } }'), sub('1', 'subscription { seatStatusChanged(eventId: "concert123") { seatId } }')], 4409],
    ['a frame over 64 KiB', [init, sub('1', `subscription { seatStatusChanged(eventId: "${'x'.repeat(70_000)}") { seatId } }`)], 1009],
  ];
  for (const [name, frames, closeCode] of raw) cases.push({ kind: 'ws', name, frames, closeCode });
  const refused: [string, string, string?, string?][] = [
    ['a subscription and a query, the query named', 'subscription S { seatStatusChanged(eventId: "concert123") { seatId } } query Q { events { id } }', 'Q', 'OPERATION_NOT_SUPPORTED'],
    ['a query', '{ events { id } }', undefined, 'OPERATION_NOT_SUPPORTED'],
    ['a mutation', 'mutation { requestBooking(input: {eventId: "concert123", seatIds: ["A1"]}) { id } }', undefined, 'OPERATION_NOT_SUPPORTED'],
    ['an operation name matching nothing', 'subscription S { seatStatusChanged(eventId: "concert123") { seatId } }', 'Nope', 'OPERATION_RESOLUTION_FAILURE'],
    ['two subscriptions and none named', 'subscription A { seatStatusChanged(eventId: "concert123") { seatId } } subscription B { seatStatusChanged(eventId: "concert123") { status } }', undefined, 'OPERATION_RESOLUTION_FAILURE'],
    ['a syntax error', 'subscription {', undefined, 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', 'subscription { nope }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['2,000 nested inline fragments', `subscription { ${'... on Subscription { '.repeat(2000)}seatStatusChanged(eventId: "x") { seatId }${' }'.repeat(2000)} }`, undefined, 'GRAPHQL_PARSE_FAILED'],
    ['an unknown event', 'subscription { seatStatusChanged(eventId: "no-such-event") { seatId } }', undefined, 'EVENT_NOT_FOUND'],
    ['someone else\'s booking, anonymously', 'subscription { bookingUpdated(id: "00000000-0000-0000-0000-000000000000") { status } }', undefined, 'UNAUTHENTICATED'],
  ];
  for (const levels of [10, 20]) {
    const frags = repeat(levels, (i) => `fragment F${i} on Event { ...F${i + 1} ...F${i + 1} }`);
    refused.push([`doubling fragments, ${levels} levels`, `subscription { seatStatusChanged(eventId: "concert123") { event { ...F0 } } } ${frags} fragment F${levels} on Event { id name }`, undefined, 'QUERY_TOO_COMPLEX']);
  }
  for (const n of [16, 40]) {
    refused.push([`${n} aliases`, `subscription { seatStatusChanged(eventId: "concert123") { ${repeat(n, (i) => `a${i}: event { seats { id } }`)} } }`, undefined, 'QUERY_TOO_COMPLEX']);
  }
  refused.push(['a seat map per change, four times', `subscription { seatStatusChanged(eventId: "concert123") { ${repeat(5, (i) => `a${i}: event { seats { id } }`)} } }`, undefined, 'QUERY_TOO_COMPLEX']);
  refused.push(['fields nested 12 deep', `subscription { seatStatusChanged(eventId: "concert123") { event { ${'seats { event { '.repeat(6)}id${' } }'.repeat(6)} } } }`, undefined, 'QUERY_TOO_COMPLEX']);
  // Subscribe frames cut short: not JSON, closed with 4400.
  const frame = sub('1', 'subscription { seatStatusChanged(eventId: "concert123") { seatId } }');
  for (let cut = 2; cut < frame.length; cut += 7) cases.push({ kind: 'ws', name: `a subscribe frame cut at ${cut}`, frames: [init, frame.slice(0, cut)], closeCode: 4400 });
  for (const [name, query, operationName, code] of refused) {
    // Twice on one socket: the second time the document comes from the gateway's cache.
    cases.push({ kind: 'ws', name: `subscribe to ${name}`, frames: [init, sub('1', query, operationName), sub('2', query, operationName)], code });
    cases.push({ kind: 'ws', name: `subscribe to ${name}, after the same document under another name`, frames: [init, sub('1', query, 'Other'), sub('2', query, operationName)], code });
  }
  return cases;
}

export function abuseCorpus(): AbuseCase[] {
  return [...graphqlCases(), ...encodingCases(), ...restCases(), ...headerCases(), ...wsCases()];
}
