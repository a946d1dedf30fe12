import { devToken } from '@booking/service-kit';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

/** Who a test request is made by: a user id, or a user with roles. */
export type TestCaller = string | { userId: string; roles?: string[] };

/** A development token (the settings every test process runs with) for `userId`, with the `admin` role if asked. */
export const token = (userId: string, opts: { admin?: boolean } = {}) => devToken(userId, opts);

/** The `Authorization` value naming a caller; none for anonymous requests. */
export async function authorization(caller?: TestCaller): Promise<string | undefined> {
  if (caller === undefined) return undefined;
  const { userId, roles } = typeof caller === 'string' ? { userId: caller, roles: [] } : caller;
  return `Bearer ${await devToken(userId, { roles })}`;
}

/** POSTs one operation, as `caller` (a development token) when given. */
export async function gql<T = Record<string, any>>(url: string, query: string, variables: Record<string, unknown> = {}, caller?: TestCaller): Promise<GraphQLResponse<T>> {
  const auth = await authorization(caller);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: res.status, ...body };
}

/**
 * `Authorization` values of `count` distinct users `${prefix}0`...; load
 * generators sign them up front, as a request setup cannot wait.
 */
export function authorizations(prefix: string, count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => authorization(`${prefix}${i}`) as Promise<string>));
}
