/** What the load generators share with the open loop's thread: plain data, so it crosses to the thread. */

/** One request of a scenario. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What an answer must show to count as a success. */
export interface AnswerCheck {
  status: number;
  /** Text the body must contain. */
  includes?: string;
  /** Text the body must not contain. */
  excludes?: string;
}

/** Text from autocannon, the raw bytes in the open loop. */
export interface ResponseBody {
  includes(text: string): boolean;
}

export const accepts = (check: AnswerCheck, status: number, body: ResponseBody) =>
  status === check.status && (check.includes === undefined || body.includes(check.includes)) && (check.excludes === undefined || !body.includes(check.excludes));

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  failures: number;
  firstFailure?: string;
}

/** An open loop's result, with how late its requests left the load generator (ms after they were due). */
export interface OpenLoopResult extends LoadResult {
  late: { p99: number; max: number };
}

export interface OpenLoopStart {
  url: string;
  rate: number;
  /** How many requests to send; null: until stopped. */
  total: number | null;
  check: AnswerCheck;
  /** The first requests: all of them when `total` is set. */
  requests: LoadRequest[];
}
export type OpenLoopMessage = { more: LoadRequest[] } | { stop: true };
export type OpenLoopReply = { need: number } | { done: OpenLoopResult };
