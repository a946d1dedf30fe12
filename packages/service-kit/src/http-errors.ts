import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '@booking/contracts';
import type { Logger } from './logger.ts';
import { sendJsonText } from './cors.ts';

export interface HttpProblem {
  status: number;
  code: string;
  message: string;
}

/**
 * What a failed request tells the client: client mistakes caught by Express
 * and body-parser (undecodable URL, malformed or oversized body, unknown
 * charset or encoding) keep their 4xx with a stable code; anything else is
 * ours and says nothing about why.
 */
export function problemOf(error: unknown): HttpProblem {
  const e = (error ?? {}) as { status?: unknown; statusCode?: unknown; type?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status < 400 || status >= 500) return { status: 500, code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  switch (e.type) {
    case 'entity.parse.failed':
      return { status: 400, code: ErrorCode.BAD_USER_INPUT, message: 'body is not valid JSON' };
    case 'entity.too.large':
      return { status: 413, code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'body too large' };
    case 'charset.unsupported':
      return { status: 415, code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'unsupported charset; send UTF-8' };
    case 'encoding.unsupported':
      return { status: 415, code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'unsupported Content-Encoding' };
    default:
      return { status, code: ErrorCode.BAD_REQUEST, message: 'malformed request' };
  }
}

/**
 * Express error handler answering JSON: `{ message, code }` (REST) or a
 * GraphQL response with the code in `extensions`. Client mistakes are logged
 * at debug level and passed to onRefused; our faults at error level.
 */
export function jsonErrors(log: Logger, shape: 'rest' | 'graphql', onRefused?: (problem: HttpProblem) => void) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const problem = problemOf(error);
    if (problem.status >= 500) log.error({ err: error, method: req.method, path: req.path }, 'request failed');
    else {
      onRefused?.(problem);
      log.debug({ code: problem.code, method: req.method, path: req.path }, 'request refused');
    }
    if (res.headersSent) return void res.end();
    sendJsonText(res, problem.status, problemText(problem, shape));
  };
}

/** The JSON body of a refusal: `{ message, code }` (REST) or a GraphQL response with the code in `extensions`. */
export const problemText = ({ code, message }: HttpProblem, shape: 'rest' | 'graphql') =>
  JSON.stringify(shape === 'rest' ? { message, code } : { errors: [{ message, extensions: { code } }] });
