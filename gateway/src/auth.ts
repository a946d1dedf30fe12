import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isUserId } from '@booking/booking-core';
import { ErrorCode } from '@booking/contracts';
import type { Identity } from '@booking/service-kit';

/** Lifetime of a development sign-in: a working day of trying things out. */
export const DEV_SIGN_IN_TTL_S = 8 * 3600;

/**
 * `POST /auth/dev-token {"user": "alice", "admin": false}` answers
 * `{"token", "expiresIn"}`: a token for anyone, without a password, for the
 * seat-map page and GraphiQL in development. Mounted only outside production.
 */
export function devSignInRouter(sign: (identity: Identity, ttl: number) => Promise<string>): Router {
  const router = express.Router();
  router.post('/dev-token', express.json({ limit: '1kb' }), async (req: Request, res: Response) => {
    const { user, admin } = (req.body ?? {}) as { user?: unknown; admin?: unknown };
    if (!isUserId(user) || (admin !== undefined && typeof admin !== 'boolean')) {
      return void res.status(400).json({ code: ErrorCode.BAD_USER_INPUT, message: 'send {"user": "<1-64 of A-Z a-z 0-9 _ . : @ ->", "admin": <boolean, optional>}' });
    }
    const token = await sign({ userId: user, roles: admin ? ['admin'] : [] }, DEV_SIGN_IN_TTL_S);
    res.set('Cache-Control', 'no-store').json({ token, expiresIn: DEV_SIGN_IN_TTL_S });
  });
  router.use((error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.status && error.status < 500 ? error.status : 400).json({ code: ErrorCode.BAD_USER_INPUT, message: 'send a JSON body {"user": "..."}' });
  });
  return router;
}
