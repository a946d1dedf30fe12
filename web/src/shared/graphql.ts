import { createClient, type Client } from 'graphql-ws';

/** GraphQL over HTTP and WebSocket on this page's own origin (through NGINX or not). */
export const GRAPHQL_PATH = '/graphql';

export function websocketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${GRAPHQL_PATH}`;
}

/** The user names the sign-in accepts (a token's `sub`, see the README). */
export const USER_ID = /^[A-Za-z0-9_.:@-]{1,64}$/;

/** The development sign-in of the gateway (absent in production). */
export const SIGN_IN_PATH = '/auth/dev-token';

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }
}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const tokens = new Map<string, { token: Promise<string>; renewAt: number }>();

/**
 * A bearer token for `userId` from the development sign-in, kept until a
 * minute before it expires.
 */
export function signIn(userId: string, admin = false): Promise<string> {
  const key = `${userId}\u0000${admin}`;
  const kept = tokens.get(key);
  if (kept && kept.renewAt > Date.now()) return kept.token;
  const entry = { renewAt: Infinity, token: Promise.resolve('') };
  entry.token = fetch(SIGN_IN_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: userId, ...(admin ? { admin } : {}) }) }).then(async (res) => {
    const body = (await res.json().catch(() => ({}))) as { token?: string; expiresIn?: number; message?: string; code?: string };
    if (!res.ok || !body.token) {
      tokens.delete(key);
      throw new GraphQLRequestError(res.status === 404 ? 'signing in by name is off on this server (production): use a token from your identity provider' : (body.message ?? `sign-in failed (${res.status})`), body.code ?? 'UNAUTHENTICATED');
    }
    entry.renewAt = Date.now() + ((body.expiresIn ?? 120) - 60) * 1000;
    return body.token;
  });
  tokens.set(key, entry);
  return entry.token;
}

/**
 * POSTs one operation, signed in as `userId` when given (with the `admin`
 * role when asked); the first GraphQL error, with its code, is thrown.
 */
export async function request<T>(query: string, variables: Record<string, unknown> = {}, userId?: string, { admin = false } = {}): Promise<T> {
  const res = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(userId ? { authorization: `Bearer ${await signIn(userId, admin)}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  let body: GraphQLBody<T>;
  try {
    body = (await res.json()) as GraphQLBody<T>;
  } catch {
    throw new GraphQLRequestError(`the server answered ${res.status} without a GraphQL response`, undefined);
  }
  const error = body.errors?.[0];
  if (error) throw new GraphQLRequestError(error.message, error.extensions?.code);
  if (!body.data) throw new GraphQLRequestError(`the server answered ${res.status} without data`, undefined);
  return body.data;
}

/** A graphql-ws client; the token of `userId`, if any, travels in connection_init. */
export function socket(userId: string | null, onReconnected?: () => void): Client {
  const client = createClient({
    url: websocketUrl(),
    connectionParams: async () => (userId ? { authorization: `Bearer ${await signIn(userId)}` } : {}),
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });
  if (onReconnected) {
    client.on('connected', (_socket, _payload, wasRetry) => {
      if (wasRetry) onReconnected();
    });
  }
  return client;
}

/** Subscribes; returns the function that ends the subscription. */
export function subscribe<T>(client: Client, query: string, variables: Record<string, unknown>, onData: (data: T) => void, onError: (message: string) => void): () => void {
  return client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) onError(result.errors.map((e) => e.message).join('; '));
        else if (result.data) onData(result.data as T);
      },
      error: (error) => onError(error instanceof Error ? error.message : error instanceof CloseEvent ? `connection closed (${error.code})` : 'subscription failed'),
      complete: () => undefined,
    },
  );
}
