import { randomBytes } from 'node:crypto';
import { authorization, type Stack } from '@booking/testkit';
import { INTAKE_EVENT } from './intake.ts';
import type { ProcessingContext } from './processing.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Probe = (stack: Stack, seatId: string) => Promise<boolean>;
const probes: Record<string, Probe> = {
  'REST GET /api/events/:id': async (stack, seatId) => {
    const body = (await (await fetch(`${stack.url}/api/events/${INTAKE_EVENT}`)).json()) as { seats: { seat_id: string; status: string }[] };
    return body.seats.find((s) => s.seat_id === seatId)?.status === 'booked';
  },
  'GraphQL event.seats': async (stack, seatId) => {
    const res = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ event(id: "${INTAKE_EVENT}") { seats { id status } } }` }),
    });
    const body = (await res.json()) as { data?: { event: { seats: { id: string; status: string }[] } } };
    return body.data?.event.seats.find((s) => s.id === seatId)?.status === 'BOOKED';
  },
};

/**
 * Commit -> visible: books free seats of arena10k one at a time and polls each
 * read path until it shows the seat booked; the clock starts at the booking's
 * decided_at in PostgreSQL.
 */
export async function measureFreshness({ stack, figure, notes, say, samples }: Pick<ProcessingContext, 'stack' | 'figure' | 'notes' | 'say'> & { samples: number }): Promise<void> {
  const { rows } = await stack.pg.query<{ seat_id: string }>("SELECT seat_id FROM seats WHERE event_id = $1 AND status = 'AVAILABLE' ORDER BY random() LIMIT $2", [INTAKE_EVENT, samples]);
  const delays: Record<string, number[]> = Object.fromEntries(Object.keys(probes).map((k) => [k, []]));
  say(`freshness: ${rows.length} bookings, each polled in ${Object.keys(probes).length} read paths`);
  for (const { seat_id: seatId } of rows) {
    const userId = `fresh-${randomBytes(4).toString('hex')}`;
    const res = await fetch(`${stack.url}/api/book`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: (await authorization(userId))! },
      body: JSON.stringify({ userId, eventId: INTAKE_EVENT, seatId }),
    });
    const { requestId } = (await res.json()) as { requestId: string };
    let decided: number | null = null;
    for (const deadline = Date.now() + 30_000; decided === null && Date.now() < deadline; await sleep(20)) {
      const r = await stack.pg.query<{ at: Date | null }>('SELECT decided_at AS at FROM bookings WHERE id = $1', [requestId]);
      decided = r.rows[0]?.at?.getTime() ?? null;
    }
    if (decided === null) throw new Error(`booking ${requestId} not decided within 30 s`);
    await Promise.all(
      Object.entries(probes).map(async ([name, probe]) => {
        for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(20)) {
          if (await probe(stack, seatId).catch(() => false)) return delays[name]!.push(Date.now() - decided);
        }
        notes.push(`freshness: ${name} did not show ${seatId} booked within 30 s`);
      }),
    );
  }
  for (const [name, list] of Object.entries(delays)) {
    if (list.length === 0) continue;
    list.sort((a, b) => a - b);
    figure(`Freshness: commit -> visible in ${name}, max of ${list.length}`, list.at(-1)!, 'ms', { atMost: 1000 });
  }
}
