import type { Sql } from '@booking/service-kit';

export interface SeedEvent {
  id: string;
  name: string;
  venue: string;
  startsAt: string;
  seats: { id: string; section: string; row: string }[];
}

/** A venue of `sections` x `rows` x `perRow` seats labelled like A_R1_S1. */
export function arena(sections: string[], rows: number, perRow: number) {
  const seats: SeedEvent['seats'] = [];
  for (const section of sections)
    for (let row = 1; row <= rows; row++)
      for (let n = 1; n <= perRow; n++) seats.push({ id: `${section}_R${row}_S${n}`, section, row: String(row) });
  return seats;
}

export const SEED_EVENTS: SeedEvent[] = [
  {
    id: 'concert123',
    name: 'Summer Concert',
    venue: 'City Hall',
    startsAt: '2027-07-01T19:00:00.000Z',
    seats: ['A1', 'A2', 'A3'].map((id) => ({ id, section: 'Stalls', row: 'A' })),
  },
  {
    id: 'sports_event456',
    name: 'Championship Final',
    venue: 'National Stadium',
    startsAt: '2027-05-20T18:30:00.000Z',
    seats: ['R10_S5', 'R10_S6'].map((id) => ({ id, section: 'Lower', row: '10' })),
  },
  {
    id: 'arena10k',
    name: 'Arena Tour',
    venue: 'Grand Arena (10,000 seats)',
    startsAt: '2027-09-12T20:00:00.000Z',
    seats: arena(['A', 'B', 'C', 'D'], 50, 50),
  },
];

/** Loads events and seats; rows that already exist are left untouched. */
export async function seed(client: Sql, events: SeedEvent[] = SEED_EVENTS): Promise<{ events: number; seats: number }> {
  let seats = 0;
  await client.exec('BEGIN');
  try {
    for (const e of events) {
      await client.query('INSERT INTO events (id, name, venue, starts_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [
        e.id,
        e.name,
        e.venue,
        e.startsAt,
      ]);
      const result = await client.query(
        `INSERT INTO seats (event_id, seat_id, section, row, position)
         SELECT $1, s.id, s.section, s.row, s.n::int
         FROM jsonb_to_recordset($2::jsonb) AS s(id text, section text, row text, n int)
         ON CONFLICT DO NOTHING`,
        [e.id, JSON.stringify(e.seats.map((s, n) => ({ ...s, n })))],
      );
      seats += result.count;
    }
    await client.exec('COMMIT');
  } catch (error) {
    await client.exec('ROLLBACK');
    throw error;
  }
  return { events: events.length, seats };
}
