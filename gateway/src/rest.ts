import { GraphQLError } from 'graphql';
import express, { type Request, type Response, type Router } from 'express';
import { isId, readRestBooking } from '@booking/booking-core';
import { ErrorCode, HTTP_STATUS_BY_CODE } from '@booking/contracts';
import { sendJsonText, type Identity } from '@booking/service-kit';
import type { Caller } from './context.ts';

export interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** Runs an operation as `caller`; `clientIp` is counted by the booking rate limits. */
export type Execute = (query: string, variables: Record<string, unknown>, caller: Caller | null, clientIp?: string | null) => Promise<GraphQLResult>;

export interface RestDeps {
  execute: Execute;
  /** The caller named by an `Authorization` value; throws a GraphQLError for a refused token. */
  identify: (authorization: unknown) => Promise<Caller | null>;
  /**
   * Signs a short-lived token for a user, so a booking without a token acts
   * for the body's `userId` as the original API did; null where a token is
   * required (production).
   */
  actAs: ((identity: Identity, ttl: number) => Promise<string>) | null;
  maxBodyBytes: number;
  /** The REST read bodies, kept rendered by the events service. */
  reads: RestReads;
}

/** `GET /api/events` and `GET /api/events/:id` as JSON text (null: no such event); throws when the events service cannot answer. */
export interface RestReads {
  events(): Promise<string>;
  event(id: string): Promise<string | null>;
}

/** Lifetime of a token made for one REST booking: that request only. */
const ACT_AS_TTL_S = 60;

const BOOK = /* GraphQL */ `mutation RestBook($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }`;

function fail(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ message, code });
}

/** Answers from the first error's code; anything without a client-facing code is a 503. */
function sendErrors(res: Response, errors: NonNullable<GraphQLResult['errors']>) {
  const first = errors[0]!;
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : ErrorCode.INTERNAL_SERVER_ERROR;
  const status = HTTP_STATUS_BY_CODE[code as ErrorCode];
  if (status) fail(res, status, code, first.message);
  else fail(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'the service could not answer; try again');
}

/**
 * The REST reads from the events subgraph's own routes over HTTP (it keeps
 * these bodies rendered per event version: through GraphQL, a 10,000-seat
 * event cost ~300 ms of CPU per request, docs/adr/0011). `eventsUrl` is its
 * GraphQL URL.
 */
export function httpRestReads(eventsUrl: string): RestReads {
  const get = async (path: string): Promise<string | null> => {
    const upstream = await fetch(new URL(path, eventsUrl), { signal: AbortSignal.timeout(10_000) });
    const text = await upstream.text();
    if (upstream.status === 404) return null;
    if (upstream.status !== 200) throw new Error(`events service answered ${upstream.status}`);
    return text;
  };
  return {
    events: async () => (await get('/api/events'))!,
    event: (id) => get(`/api/events/${encodeURIComponent(id)}`),
  };
}

const NOT_FOUND = JSON.stringify({ message: 'Event not found', code: ErrorCode.EVENT_NOT_FOUND });

async function sendRead(res: Response, read: () => Promise<string | null>) {
  let json: string | null;
  try {
    json = await read();
  } catch {
    return fail(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'the service could not answer; try again');
  }
  sendJsonText(res, json === null ? 404 : 200, json ?? NOT_FOUND, { 'cache-control': 'no-cache' });
}

/**
 * The original REST API, kept for its clients: same paths, field names and
 * status codes. The reads come ready from the events subgraph's REST routes
 * (public data: no identity needed); bookings run a GraphQL operation through
 * the gateway, so REST and GraphQL share validation, authorization and limits.
 */
export function restRouter({ execute, identify, actAs, maxBodyBytes, reads }: RestDeps): Router {
  const router = express.Router();

  router.get('/events', (_req, res) => sendRead(res, reads.events));

  router.get('/events/:id', (req, res) => {
    const id = req.params.id;
    if (!isId(id)) return fail(res, 404, ErrorCode.EVENT_NOT_FOUND, 'Event not found');
    return sendRead(res, () => reads.event(id));
  });

  // A cross-site form or fetch without preflight can only send simple content
  // types: requiring JSON makes every booking a CORS-checked request (CSRF).
  const requireJson = (req: Request, res: Response, next: () => void) =>
    req.is('application/json') ? next() : fail(res, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'send the body as application/json');

  router.post('/book', requireJson, express.json({ limit: maxBodyBytes }), async (req, res) => {
    let caller: Caller | null;
    try {
      caller = await identify(req.headers.authorization);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error; // keys unavailable: ours, answered by the error handler after this router
      return fail(res, 401, ErrorCode.UNAUTHENTICATED, error.message);
    }
    const body = readRestBooking(req.body);
    if ('code' in body) return fail(res, 400, body.code, body.message);
    const { userId, eventId, seatId } = body;
    if (caller && caller.userId !== userId) return fail(res, 403, ErrorCode.FORBIDDEN, 'userId must be the subject of the token');
    if (!caller && !actAs) return fail(res, 401, ErrorCode.UNAUTHENTICATED, 'a token is required: send "Authorization: Bearer <JWT>"');
    caller ??= { userId, roles: [], authorization: `Bearer ${await actAs!({ userId, roles: [] }, ACT_AS_TTL_S)}` };
    const result = await execute(BOOK, { input: { eventId, seatIds: [seatId] } }, caller, req.ip ?? null);
    if (result.errors?.length) return sendErrors(res, result.errors);
    const booking = result.data?.requestBooking as { id: string; status: string };
    res.status(202).json({ message: 'Booking request accepted', requestId: booking.id, status: booking.status });
  });

  // Errors (undecodable URLs, malformed bodies) are answered by the handler mounted after this router.
  router.use((_req: Request, res: Response) => fail(res, 404, ErrorCode.NOT_FOUND, 'no such route'));
  return router;
}
