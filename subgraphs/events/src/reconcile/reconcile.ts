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
}

/** Rebuilds or repairs the read model from PostgreSQL and says how much it changed. */
export async function reconcile(source: TruthSource, store: ReadStore): Promise<ReconcileReport> {
  const events = await source.events();
  const report: ReconcileReport = { events: events.length, eventsWritten: await store.upsertEvents(events), seats: 0, seatsRepaired: 0 };
  for (const event of events) {
    const seats = await source.seats(event._id);
    report.seats += seats.length;
    report.seatsRepaired += await store.repairSeats(seats);
  }
  return report;
}
