/**
 * Prints a development token: HS256 with the development key, issuer
 * `booking-dev`, audience `booking`, valid for 12 hours by default.
 *
 *   npm run -s token -- alice [--admin] [--ttl 3600]
 *   curl -H "Authorization: Bearer $(npm run -s token -- alice)" ...
 *
 * Accepted by every process running without JWT_SECRET and JWKS_URL outside
 * production, or with JWT_SECRET set to the development value of .env.example.
 */
import { parseArgs } from 'node:util';
import { isUserId } from '@booking/booking-core';
import { devToken } from '@booking/service-kit';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { admin: { type: 'boolean', default: false }, ttl: { type: 'string', default: String(12 * 3600) } },
});
const [user] = positionals;
const ttl = Number(values.ttl);
if (!isUserId(user) || positionals.length !== 1 || !Number.isInteger(ttl) || ttl < 1) {
  process.stderr.write('usage: npm run -s token -- <user: 1-64 of A-Z a-z 0-9 _ . : @ -> [--admin] [--ttl <seconds>]\n');
  process.exit(64);
}
process.stdout.write(`${await devToken(user, { admin: values.admin, ttl })}\n`);
