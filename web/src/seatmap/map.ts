export type SeatStatus = 'AVAILABLE' | 'HELD' | 'BOOKED';

export interface Seat {
  id: string;
  section: string;
  row: string;
  status: SeatStatus;
  version: number;
}

/** The caller's own booking of a seat, shown on top of its status. */
export type Mine = 'pending' | 'held' | 'confirmed' | 'rejected';

const STATUS_CLASS: Record<SeatStatus, string> = { AVAILABLE: 'a', HELD: 'h', BOOKED: 'b' };
const STATUS_WORD: Record<SeatStatus, string> = { AVAILABLE: 'available', HELD: 'held', BOOKED: 'booked' };
const MINE_WORD: Record<Mine, string> = { pending: 'your request pending', held: 'held by you', confirmed: 'booked by you', rejected: 'your booking rejected' };

/**
 * What a seat shows: its status in the read model, unless the caller's own
 * hold or booking is already decided and the read model has not caught up
 * with it yet (a seat is never shown "available, held by you").
 */
const shown = (status: SeatStatus, mine: Mine | undefined): SeatStatus =>
  status !== 'AVAILABLE' ? status : mine === 'held' ? 'HELD' : mine === 'confirmed' ? 'BOOKED' : status;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The seat's number in its row: the label's trailing digits (A_R3_S12 -> 12), else its position. */
const seatNumber = (id: string, position: number) => /(\d+)$/.exec(id)?.[1] ?? String(position);

/**
 * A seat map drawn as one <button> per seat, grouped by section and row.
 *
 * Kept cheap for venues of 10,000 seats and more: the markup is built as one
 * string, the buttons carry no listeners (one click and one keydown handler
 * on the container), and a change touches only its own button. Seat state
 * lives in arrays indexed like the buttons.
 *
 * Keyboard: one seat is in the tab order at a time (roving tabindex); the
 * arrow keys move along a row and between rows, Home/End to a row's ends,
 * Enter or Space book.
 */
export class SeatMap {
  private ids: string[] = [];
  private labels: string[] = [];
  private status: SeatStatus[] = [];
  private versions: number[] = [];
  private mine: (Mine | undefined)[] = [];
  private index = new Map<string, number>();
  private buttons: HTMLButtonElement[] = [];
  /** First seat index of each row, and the row of each seat. */
  private rowStart: number[] = [];
  private rowOf: number[] = [];
  private focused = 0;
  private counts: Record<SeatStatus, number> = { AVAILABLE: 0, HELD: 0, BOOKED: 0 };

  constructor(
    private readonly root: HTMLElement,
    private readonly onPick: (seatId: string, label: string, status: SeatStatus) => void,
    private readonly onCounts: (counts: Readonly<Record<SeatStatus, number>>, total: number) => void,
  ) {
    root.addEventListener('click', (e) => {
      const i = this.seatIndexOf(e.target);
      if (i === undefined) return;
      this.moveFocus(i, false);
      this.onPick(this.ids[i]!, this.labels[i]!, this.status[i]!);
    });
    root.addEventListener('keydown', (e) => this.onKey(e));
  }

  render(seats: readonly Seat[]): void {
    this.ids = [];
    this.labels = [];
    this.status = [];
    this.versions = [];
    this.mine = [];
    this.index.clear();
    this.rowStart = [];
    this.rowOf = [];
    this.counts = { AVAILABLE: 0, HELD: 0, BOOKED: 0 };
    const html: string[] = [];
    let section: string | undefined;
    let row: string | undefined;
    let position = 0;
    seats.forEach((seat, i) => {
      if (seat.section !== section) {
        if (section !== undefined) html.push('</div></section>');
        section = seat.section;
        row = undefined;
        html.push(`<section class="sec"><h3>Section ${escapeHtml(section)}</h3>`);
      }
      if (seat.row !== row) {
        if (row !== undefined) html.push('</div>');
        row = seat.row;
        position = 0;
        this.rowStart.push(i);
        html.push(`<div class="row" role="group" aria-label="Section ${escapeHtml(section)} row ${escapeHtml(row)}"><span class="rl" aria-hidden="true">${escapeHtml(row)}</span>`);
      }
      position += 1;
      const label = `Section ${seat.section} row ${seat.row} seat ${seatNumber(seat.id, position)}`;
      this.ids.push(seat.id);
      this.labels.push(label);
      this.status.push(seat.status);
      this.versions.push(seat.version);
      this.mine.push(undefined);
      this.rowOf.push(this.rowStart.length - 1);
      this.index.set(seat.id, i);
      this.counts[seat.status] += 1;
      html.push(
        `<button type="button" class="s ${STATUS_CLASS[seat.status]}" data-i="${i}" tabindex="${i === 0 ? 0 : -1}"${seat.status === 'AVAILABLE' ? '' : ' aria-disabled="true"'} aria-label="${escapeHtml(`${label}, ${STATUS_WORD[seat.status]}`)}"></button>`,
      );
    });
    if (section !== undefined) html.push('</div></section>');
    this.root.innerHTML = html.join('');
    this.buttons = Array.from(this.root.getElementsByTagName('button'));
    this.focused = 0;
    this.onCounts(this.counts, this.ids.length);
  }

  /** Applies a change newer than what the map shows; older or equal versions are dropped. */
  apply(seatId: string, status: SeatStatus, version: number): boolean {
    const i = this.index.get(seatId);
    if (i === undefined || version <= this.versions[i]!) return false;
    this.versions[i] = version;
    if (this.status[i] !== status) {
      this.counts[this.status[i]!] -= 1;
      this.counts[status] += 1;
      this.status[i] = status;
      this.onCounts(this.counts, this.ids.length);
    }
    this.paint(i);
    return true;
  }

  setMine(seatId: string, mine: Mine | undefined): void {
    const i = this.index.get(seatId);
    if (i === undefined) return;
    this.mine[i] = mine;
    this.paint(i);
  }

  has(seatId: string): boolean {
    return this.index.has(seatId);
  }

  labelOf(seatId: string): string {
    const i = this.index.get(seatId);
    return i === undefined ? seatId : this.labels[i]!;
  }

  private paint(i: number): void {
    const button = this.buttons[i]!;
    const mine = this.mine[i];
    const status = shown(this.status[i]!, mine);
    button.className = `s ${STATUS_CLASS[status]}${mine ? ` m${mine[0]}` : ''}`;
    if (status === 'AVAILABLE' && mine !== 'pending') button.removeAttribute('aria-disabled');
    else button.setAttribute('aria-disabled', 'true');
    button.setAttribute('aria-label', `${this.labels[i]}, ${STATUS_WORD[status]}${mine ? `, ${MINE_WORD[mine]}` : ''}`);
  }

  private seatIndexOf(target: EventTarget | null): number | undefined {
    const button = target instanceof Element ? target.closest<HTMLButtonElement>('button[data-i]') : null;
    return button && this.root.contains(button) ? Number(button.dataset.i) : undefined;
  }

  private moveFocus(i: number, focus = true): void {
    const from = this.buttons[this.focused];
    const to = this.buttons[i];
    if (!to) return;
    if (from && from !== to) from.tabIndex = -1;
    to.tabIndex = 0;
    this.focused = i;
    if (focus) to.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const i = this.seatIndexOf(e.target);
    if (i === undefined) return;
    const row = this.rowOf[i]!;
    const start = this.rowStart[row]!;
    const end = (this.rowStart[row + 1] ?? this.ids.length) - 1;
    const toRow = (r: number) => {
      const s = this.rowStart[r];
      if (s === undefined) return i;
      const e2 = (this.rowStart[r + 1] ?? this.ids.length) - 1;
      return Math.min(s + (i - start), e2);
    };
    let next: number;
    switch (e.key) {
      case 'ArrowRight':
        next = Math.min(i + 1, end);
        break;
      case 'ArrowLeft':
        next = Math.max(i - 1, start);
        break;
      case 'ArrowDown':
        next = toRow(row + 1);
        break;
      case 'ArrowUp':
        next = row > 0 ? toRow(row - 1) : i;
        break;
      case 'Home':
        next = start;
        break;
      case 'End':
        next = end;
        break;
      default:
        return;
    }
    e.preventDefault();
    this.moveFocus(next);
  }
}
