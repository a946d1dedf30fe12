import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { formatError } from './graphql-server.ts';
import { problemOf } from './http-errors.ts';

describe('problemOf', () => {
  it('keeps client mistakes of body-parser and Express as 4xx with a code', () => {
    expect(problemOf({ status: 400, type: 'entity.parse.failed' })).toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
    expect(problemOf({ status: 415, type: 'charset.unsupported' })).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(problemOf({ status: 415, type: 'encoding.unsupported' })).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(problemOf({ status: 413, type: 'entity.too.large' })).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(problemOf(Object.assign(new URIError('URI malformed'), { status: 400 }))).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });
  it('says nothing about our own faults', () => {
    expect(problemOf(new Error('connect ECONNREFUSED 10.0.0.1:5432'))).toEqual({ status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
  });
});

describe('formatError', () => {
  const format = formatError(pino({ level: 'silent' }));
  it('keeps the code a validation rule gave, under Apollo’s wrapper', () => {
    const own = new GraphQLError('operation too complex', { extensions: { code: 'QUERY_TOO_COMPLEX' } });
    const wrapped = new GraphQLError(own.message, { originalError: own, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(format(wrapped.toJSON(), wrapped).extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
  it('hides the message of a JavaScript error under a client-facing code', () => {
    const overflow = new RangeError('Maximum call stack size exceeded');
    const wrapped = new GraphQLError(overflow.message, { originalError: overflow, extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(format(wrapped.toJSON(), wrapped)).toEqual({ message: 'the request could not be processed', extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  });
  it('hides errors without a code', () => {
    const error = new GraphQLError('relation "bookings" does not exist', { originalError: new Error('relation "bookings" does not exist') });
    expect(format(error.toJSON(), error).message).toBe('Internal server error');
  });
});
