import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '@booking/contracts';
import { problemText, sendJsonText, type HttpProblem, type PlainRoute } from '@booking/service-kit';
import type { ReadCache, SentResponse } from './read-cache.ts';

/** Runs one GraphQL request whose body is read; `key` names the answer in the read cache (null: not shareable). */
export type AnswerGraphQL = (req: IncomingMessage, res: ServerResponse, body: unknown, key: string | null) => Promise<void>;

export interface GraphQLPostOptions {
  answer: AnswerGraphQL;
  cache: ReadCache;
  maxBodyBytes: number;
  /** Wraps a route in the CORS answers of express's routes (`plainCors(...).wrap`). */
  cors: (route: PlainRoute) => PlainRoute;
  /** Everything this route leaves (another media type or charset, a compressed body). */
  fallback: PlainRoute;
  /** Called for each client mistake answered here, and for our faults (status 500). */
  onProblem: (problem: HttpProblem, error?: unknown) => void;
}

const TOO_LARGE: HttpProblem = { status: 413, code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'body too large' };
const NOT_JSON: HttpProblem = { status: 400, code: ErrorCode.BAD_USER_INPUT, message: 'body is not valid JSON' };
const ABORTED: HttpProblem = { status: 400, code: ErrorCode.BAD_REQUEST, message: 'malformed request' };
const INTERNAL: HttpProblem = { status: 500, code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal server error' };

/** A JSON body this route reads itself: `application/json`, UTF-8 (or no charset), not compressed. */
function plainJson(req: IncomingMessage): boolean {
  const [type, ...params] = (req.headers['content-type'] ?? '').split(';');
  if (type!.trim().toLowerCase() !== 'application/json') return false;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return false;
  const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='));
  return charset === undefined || ['charset=utf-8', 'charset="utf-8"', 'charset=utf8'].includes(charset);
}

/** The body as text, at most `limit` bytes. */
function readText(req: IncomingMessage, limit: number): Promise<string | HttpProblem> {
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
function parseBody(text: string): { json: unknown } | HttpProblem {
  const first = text.trimStart()[0];
  if (first === undefined) return { json: {} };
  if (first !== '{' && first !== '[') return NOT_JSON;
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return NOT_JSON;
  }
}

export function sendAnswer(res: ServerResponse, answer: SentResponse) {
  for (const [name, value] of answer.headers) res.setHeader(name, value);
  res.statusCode = answer.status;
  res.end(answer.body);
}

/**
 * `POST /graphql` with a JSON body on plain node:http, before express: CORS
 * as express's routes answer it, the body read once, and an anonymous read
 * whose answer the cache keeps (ADR 0012) answered from the body's text
 * before it is parsed. Express's routing and body-parser were about a
 * sixth of the gateway's CPU on such reads (ADR 0012, addendum).
 */
export function graphqlPostRoute({ answer, cache, maxBodyBytes, cors, fallback, onProblem }: GraphQLPostOptions): PlainRoute {
  const refuse = (res: ServerResponse, problem: HttpProblem, error?: unknown) => {
    onProblem(problem, error);
    if (res.headersSent) return void res.end();
    sendJsonText(res, problem.status, problemText(problem, 'graphql'));
  };
  const route = cors(async (req, res) => {
    const text = await readText(req, maxBodyBytes);
    if (typeof text !== 'string') return refuse(res, text);
    // The key: the body as sent and whatever else changes the answer (Accept, for the response's media type).
    const key = req.headers.authorization === undefined ? `${req.headers.accept ?? ''}\n${text}` : null;
    const kept = key === null ? null : cache.kept(key);
    if (kept) return sendAnswer(res, kept);
    const body = parseBody(text);
    if (!('json' in body)) return refuse(res, body);
    try {
      await answer(req, res, body.json, typeof (body.json as { query?: unknown }).query === 'string' ? key : null);
    } catch (error) {
      refuse(res, INTERNAL, error);
    }
  });
  return (req, res) => (plainJson(req) ? route(req, res) : fallback(req, res));
}
