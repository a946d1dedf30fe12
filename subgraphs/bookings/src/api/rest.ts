import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { readRestBooking } from '@booking/booking-core';
import { ErrorCode, HTTP_STATUS_BY_CODE } from '@booking/contracts';
import type { Logger } from '@booking/service-kit';
import type { Intake } from './intake.ts';

const fail = (res: Response, status: number, code: string, message: string) => res.status(status).json({ message, code });

/**
 * The caller of a REST booking. The original API names the user in the body;
 * this is the one place that decides who is asking.
 */
const callerOf = (_req: Request, body: { userId: string }): string => body.userId;

/**
 * `POST /api/book` of the original REST API, served here so NGINX can route
 * it to the service that takes bookings (as the original routed it to its
 * write API) without a GraphQL round trip through the gateway. Same contract
 * as the gateway's route: 202 `{message, requestId, status}`, or a stable
 * code with 400/401/404/429, 503 when the request could not be queued.
 */
export function restBookingRouter(intake: Intake, log: Logger): Router {
  const router = express.Router();
  router.post('/api/book', express.json({ limit: '16kb' }), async (req, res) => {
    const body = readRestBooking(req.body);
    if ('code' in body) return fail(res, 400, body.code, body.message);
    let result: Awaited<ReturnType<Intake['request']>>;
    try {
      result = await intake.request(callerOf(req, body), { eventId: body.eventId, seatIds: [body.seatId] }, log);
    } catch (err) {
      log.error({ err }, 'could not queue a REST booking');
      return fail(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'the service could not answer; try again');
    }
    if ('problem' in result) return fail(res, HTTP_STATUS_BY_CODE[result.problem.code] ?? 400, result.problem.code, result.problem.message);
    res.status(202).json({ message: 'Booking request accepted', requestId: result.booking.id, status: result.booking.status });
  });
  // Malformed JSON and oversized bodies are the client's mistake, not ours.
  router.use('/api', (error: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.parse.failed') return fail(res, 400, ErrorCode.BAD_USER_INPUT, 'body is not valid JSON');
    if (error.status === 413) return fail(res, 413, ErrorCode.BAD_USER_INPUT, 'body too large');
    next(error);
  });
  return router;
}
