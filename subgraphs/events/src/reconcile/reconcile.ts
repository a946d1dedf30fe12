import type { EventDoc, ReadStore, SeatDoc } from '../read-model.ts';

/** The write side's truth, as the reconciler needs it. */
export interface TruthSource {
  events(): Promise<EventDoc[]>;
  /** Seats of one event in venue order. */
  seats(eventId: string): Promise<SeatDoc[]>;
}

export interface ReconcileReport {
  events: number;
  eventsWritten: number;
  seats: number;
  seatsRepaired: number;
  /** Passes over the seats; more than one when the projector wrote a block the pass had repaired. */
  passes: number;
}

const MAX_PASSES = 3;

/**
 * Rebuilds or repairs the read model from PostgreSQL and says how much it
 * changed. The projector may overwrite a repair it raced with, so passes
 * repeat until one finds nothing to fix.
 */
export async function reconcile(source: TruthSource, store: ReadStore): Promise<ReconcileReport> {
  const events = await source.events();
  const report: ReconcileReport = { events: events.length, eventsWritten: await store.upsertEvents(events), seats: 0, seatsRepaired: 0, passes: 0 };
  for (const event of events) {
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      const seats = await source.seats(event._id);
      const repaired = await store.repairSeats(seats);
      if (pass === 1) report.seats += seats.length;
      report.seatsRepaired += repaired;
      report.passes = Math.max(report.passes, pass);
      if (repaired === 0 || pass === MAX_PASSES) break;
    }
  }
  return report;
}
