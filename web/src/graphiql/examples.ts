/** Who GraphiQL signs in as; HTTP sends the token as a header, graphql-ws in connection_init. */
export const DEMO_USER = 'demo-user';

/** The headers editor's content: a fresh token of DEMO_USER, or a place for one where signing in by name is off. */
export const demoHeaders = (token: string | null) => JSON.stringify({ authorization: `Bearer ${token ?? '<your token>'}` }, null, 2);

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** Tabs GraphiQL opens with on a first visit (later visits restore the user's own tabs). */
export const EXAMPLES: { query: string; variables?: string; headers?: string }[] = [
  {
    query: `# Events and how many seats are left.
# Run with the ▶ button or Ctrl-Enter. The authorization header (Headers, below)
# carries demo-user's token; reads of events need none, bookings need one.
query ListEvents {
  events {
    id
    name
    venue
    startsAt
    availability { total available held booked }
  }
}
`,
  },
  {
    query: `# A seat map: seats in venue order, each with a version that grows with every change.
query EventSeatMap($id: ID!) {
  event(id: $id) {
    name
    availability { available booked }
    seats { id section row status version }
  }
}
`,
    variables: json({ id: 'concert123' }),
  },
  {
    query: `# Book seats (all or nothing). The answer is immediate and PENDING;
# follow the outcome with the BookingUpdated tab or booking(id).
mutation RequestBooking($input: RequestBookingInput!) {
  requestBooking(input: $input) {
    id
    status
    seatIds
  }
}
`,
    variables: json({ input: { eventId: 'arena10k', seatIds: ['A_R1_S1'] } }),
  },
  {
    query: `# Live seat changes of one event, over graphql-ws on this same /graphql path.
# Book a seat of this event (here, on the seat map page or with curl) to see one.
subscription SeatStatusChanged($eventId: ID!) {
  seatStatusChanged(eventId: $eventId) {
    seatId
    status
    version
    event { name availability { available } }
  }
}
`,
    variables: json({ eventId: 'arena10k' }),
  },
  {
    query: `# The outcome of one of your bookings (CONFIRMED, or REJECTED with a reason).
# Paste the id answered by RequestBooking; the token comes from the headers.
subscription BookingUpdated($id: ID!) {
  bookingUpdated(id: $id) {
    id
    status
    reason
    seatIds
    event { name }
  }
}
`,
    variables: json({ id: '<id from RequestBooking>' }),
  },
];
