import { randomBytes } from 'node:crypto';
import { EVENT_LIMITS, ErrorCode } from '@booking/contracts';
import { isId, type InputProblem } from './input.ts';

export interface SectionInput {
  name: string;
  rows: number;
  seatsPerRow: number;
}

export interface SeatInput {
  id: string;
  section: string;
  row: string;
}

export interface EventDetailsInput {
  name?: string | null;
  venue?: string | null;
  startsAt?: Date | null;
  perUserLimit?: number | null;
}

/** A seat of a new event, in venue order. */
export type LayoutSeat = SeatInput;

const bad = (field: string, message: string): InputProblem => ({ code: ErrorCode.BAD_USER_INPUT, field, message });
const isLabel = (v: string) => v.length >= 1 && v.length <= 32 && /^[A-Za-z0-9_.:-]+$/.test(v);

/** Checks the fields an event is described by (for creation and for changes). */
export function checkEventDetails(input: EventDetailsInput): InputProblem | null {
  for (const field of ['name', 'venue'] as const) {
    const value = input[field];
    if (value != null && (value.trim().length === 0 || value.length > EVENT_LIMITS.maxNameLength)) {
      return bad(field, `${field} must be 1-${EVENT_LIMITS.maxNameLength} characters`);
    }
  }
  if (input.startsAt != null && Number.isNaN(input.startsAt.getTime())) return bad('startsAt', 'startsAt must be an ISO 8601 instant with an offset, e.g. 2027-07-01T19:00:00Z');
  if (input.perUserLimit != null && (input.perUserLimit < 1 || input.perUserLimit > EVENT_LIMITS.maxPerUserLimit)) {
    return bad('perUserLimit', `perUserLimit must be 1-${EVENT_LIMITS.maxPerUserLimit}`);
  }
  return null;
}

/**
 * The seats of a new venue: sections of rows x seats (labelled like
 * `A_R1_S1`) followed by explicitly labelled seats. The size is checked
 * before anything is built, so an oversized layout costs nothing.
 */
export function buildLayout(sections: readonly SectionInput[], seats: readonly SeatInput[]): { seats: LayoutSeat[] } | InputProblem {
  let total = seats.length;
  for (const [i, s] of sections.entries()) {
    if (!isLabel(s.name)) return bad(`sections.${i}.name`, 'a section name must be 1-32 letters, digits, "_", ".", ":" or "-"');
    if (!Number.isInteger(s.rows) || s.rows < 1 || !Number.isInteger(s.seatsPerRow) || s.seatsPerRow < 1) {
      return bad(`sections.${i}`, 'rows and seatsPerRow must be at least 1');
    }
    total += s.rows * s.seatsPerRow;
    if (total > EVENT_LIMITS.maxSeatsPerEvent) break;
  }
  if (total === 0) return bad('seats', 'an event needs at least one seat');
  if (total > EVENT_LIMITS.maxSeatsPerEvent) return bad('seats', `an event may have at most ${EVENT_LIMITS.maxSeatsPerEvent} seats`);

  const layout: LayoutSeat[] = [];
  for (const s of sections) {
    for (let row = 1; row <= s.rows; row++) {
      for (let n = 1; n <= s.seatsPerRow; n++) layout.push({ id: `${s.name}_R${row}_S${n}`, section: s.name, row: String(row) });
    }
  }
  for (const [i, s] of seats.entries()) {
    if (!isId(s.id)) return bad(`seats.${i}.id`, `seat id ${JSON.stringify(String(s.id).slice(0, 80))} is malformed`);
    if (!isLabel(s.section) || !isLabel(s.row)) return bad(`seats.${i}`, 'section and row must be 1-32 letters, digits, "_", ".", ":" or "-"');
    layout.push({ id: s.id, section: s.section, row: s.row });
  }
  const ids = new Set<string>();
  for (const seat of layout) {
    if (ids.has(seat.id)) return bad('seats', `seat label ${seat.id} appears twice`);
    ids.add(seat.id);
  }
  return { seats: layout };
}

export const isProblem = (value: object): value is InputProblem => 'code' in value;

/** A new event's id: short, unguessable, valid wherever an id is. */
export const newEventId = () => `ev_${randomBytes(6).toString('hex')}`;
