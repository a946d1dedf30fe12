import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '@booking/contracts';
import type { HttpProblem } from './http-errors.ts';

/*
 * JSON request bodies read on plain node:http, before express: what
 * body-parser's strict JSON reader accepts and refuses, for the bodies it
 * is worth skipping body-parser for (uncompressed UTF-8).
 */

const TOO_LARGE: HttpProblem = { status: 413, code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'body too large' };
const NOT_JSON: HttpProblem = { status: 400, code: ErrorCode.BAD_USER_INPUT, message: 'body is not valid JSON' };
const ABORTED: HttpProblem = { status: 400, code: ErrorCode.BAD_REQUEST, message: 'malformed request' };
export const INTERNAL_PROBLEM: HttpProblem = { status: 500, code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal server error' };

/** A body read here rather than by body-parser: `application/json`, UTF-8 (or no charset), not compressed. */
export function isPlainJson(req: IncomingMessage): boolean {
  const [type, ...params] = (req.headers['content-type'] ?? '').split(';');
  if (type!.trim().toLowerCase() !== 'application/json') return false;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return false;
  const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='));
  return charset === undefined || ['charset=utf-8', 'charset="utf-8"', 'charset=utf8'].includes(charset);
}

/** The body as text, at most `limit` bytes. */
export function readBodyText(req: IncomingMessage, limit: number): Promise<string | HttpProblem> {
  if (Number(req.headers['content-length']) > limit) {
    req.resume();
    return Promise.resolve(TOO_LARGE);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      resolve(TOO_LARGE);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    req.once('error', () => resolve(ABORTED));
  });
}

/** As body-parser's strict JSON reader: an object or an array; an empty body is `{}`. */
export function parseJsonBody(text: string): { json: unknown } | HttpProblem {
  const first = text.trimStart()[0];
  if (first === undefined) return { json: {} };
  if (first !== '{' && first !== '[') return NOT_JSON;
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return NOT_JSON;
  }
}

