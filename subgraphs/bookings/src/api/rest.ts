import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { readRestBooking } from '@booking/booking-core';
import { ErrorCode, HTTP_STATUS_BY_CODE } from '@booking/contracts';
import { authenticate, plainCors, problemOf, sendJsonText, type BookingRateLimiter, type HttpProblem, type Logger, type Verifier } from '@booking/service-kit';
import type { Intake } from './intake.ts';

const MAX_BODY_BYTES = 16 * 1024;

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => sendJsonText(res, status, JSON.stringify(body), headers);
const fail = (res: ServerResponse, status: number, code: string, message: string) => send(res, status, { message, code });

// body-parser, as the gateway's route uses it: the same charsets, encodings
// (gzip, deflate, br, with the size limit applied after decompression) and
// refusals, so both routes answer every body alike.
const parseJson = express.json({ limit: MAX_BODY_BYTES });

/** The JSON body, or what is wrong with the request. */
function readJson(req: IncomingMessage, res: ServerResponse): Promise<{ json: unknown } | HttpProblem> {
  // A cross-site form can only send simple content types: requiring JSON makes
  // every booking a CORS-checked request (CSRF).
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    return Promise.resolve({ status: 415, code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'send the body as application/json' });
  }
  const parsed = req as IncomingMessage & { body?: unknown };
  return new Promise((resolve) =>
    parseJson(parsed as express.Request, res as express.Response, (error?: unknown) => {
      if (error) resolve(problemOf(error));
      else if (parsed.body === undefined) resolve({ status: 400, code: ErrorCode.BAD_USER_INPUT, message: 'the body is empty' });
      else resolve({ json: parsed.body });
    }),
  );
}

export interface RestCallers {
  verifier: Verifier;
  /** Outside production a booking without a token acts for the body's userId, as the original API did. */
  actForBodyUser: boolean;
  /** The booking rate limits, in the same counters as the gateway's. */
  limiter: BookingRateLimiter;
  /** The client's address behind trusted proxies. */
  clientAddress: (req: IncomingMessage) => string;
}

/**
 * Who a REST booking is made by: the one place that decides it, with the
 * rules of the gateway's route. A token must name the body's userId.
 */
async function callerOf(req: IncomingMessage, body: { userId: string }, { verifier, actForBodyUser }: RestCallers): Promise<string | { status: number; code: string; message: string }> {
  let identity;
  try {
    identity = await authenticate(verifier, req.headers.authorization);
  } catch (error) {
    return { status: 401, code: ErrorCode.UNAUTHENTICATED, message: (error as Error).message };
  }
  if (identity && identity.userId !== body.userId) return { status: 403, code: ErrorCode.FORBIDDEN, message: 'userId must be the subject of the token' };
  if (!identity && !actForBodyUser) return { status: 401, code: ErrorCode.UNAUTHENTICATED, message: 'a token is required: send "Authorization: Bearer <JWT>"' };
  return body.userId;
}

/**
 * `POST /api/book` of the original REST API, served here so NGINX can route
 * it to the service that takes bookings (as the original routed it to its
 * write API), with no GraphQL round trip through the gateway. Same contract
 * as the gateway's route: 202 `{message, requestId, status}`, or `{message,
 * code}` with 400/401/403/404/413/415/429 (the booking rate limits, counted
 * with the gateway's), 503 when the request could not be queued.
 * Plain node:http around body-parser's JSON reader: express's routing and
 * request objects were part of the quarter of this service's CPU per booking
 * that express and body-parser took in profiles (docs/adr/0010).
 */
export function restBookingHandler(intake: Intake, callers: RestCallers, log: Logger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const read = await readJson(req, res);
    if (!('json' in read)) {
      if (read.status >= 500) log.error({ code: read.code }, 'could not read a REST booking');
      return fail(res, read.status, read.code, read.message);
    }
    const body = readRestBooking(read.json);
    if ('code' in body) return fail(res, 400, body.code, body.message);
    const caller = await callerOf(req, body, callers);
    if (typeof caller !== 'string') return fail(res, caller.status, caller.code, caller.message);
    const decision = await callers.limiter.take({ userId: caller, clientIp: callers.clientAddress(req) }, 1);
    if (!decision.allowed) {
      const message = `too many booking requests; try again in ${decision.retryAfterSeconds} s`;
      return send(res, 429, { message, code: ErrorCode.RATE_LIMITED }, { 'retry-after': String(decision.retryAfterSeconds) });
    }
    let result: Awaited<ReturnType<Intake['request']>>;
    try {
      result = await intake.request(caller, { eventId: body.eventId, seatIds: [body.seatId] }, log);
    } catch (err) {
      log.error({ err }, 'could not queue a REST booking');
      return fail(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'the service could not answer; try again');
    }
    if ('problem' in result) return fail(res, HTTP_STATUS_BY_CODE[result.problem.code] ?? 400, result.problem.code, result.problem.message);
    send(res, 202, { message: 'Booking request accepted', requestId: result.booking.id, status: result.booking.status });
  };
}

/**
 * The routes the bookings service serves for NGINX: `POST /api/book` and its
 * preflight, with the gateway's CORS answers (the same origins, methods and
 * headers), so a page on another origin books alike through either.
 */
export function restBookingRoutes(intake: Intake, callers: RestCallers, origins: readonly string[] | '*', log: Logger) {
  const cors = plainCors(origins);
  return { 'POST /api/book': cors.wrap(restBookingHandler(intake, callers, log)), 'OPTIONS /api/book': cors.preflight };
}
