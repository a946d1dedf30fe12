import type { IncomingMessage, ServerResponse } from 'node:http';
import { INTERNAL_PROBLEM, isPlainJson, parseJsonBody, readBodyText, sendGraphQLProblem, sendResponse, type HttpProblem, type PlainRoute } from '@booking/service-kit';
import type { ReadCache } from './read-cache.ts';

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
    sendGraphQLProblem(res, problem);
  };
  const route = cors(async (req, res) => {
    const text = await readBodyText(req, maxBodyBytes);
    if (typeof text !== 'string') return refuse(res, text);
    // The key: the body as sent and whatever else changes the answer (Accept, for the response's media type).
    const key = req.headers.authorization === undefined ? `${req.headers.accept ?? ''}\n${text}` : null;
    const kept = key === null ? null : cache.kept(key);
    if (kept) return sendResponse(res, kept);
    const body = parseJsonBody(text);
    if (!('json' in body)) return refuse(res, body);
    try {
      await answer(req, res, body.json, typeof (body.json as { query?: unknown }).query === 'string' ? key : null);
    } catch (error) {
      refuse(res, INTERNAL_PROBLEM, error);
    }
  });
  return (req, res) => (isPlainJson(req) ? route(req, res) : fallback(req, res));
}
