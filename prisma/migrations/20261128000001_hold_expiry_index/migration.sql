-- The expiry sweep reads live holds in expiry order. A migration of its own:
-- PostgreSQL refuses an enum value added in the same transaction.
CREATE INDEX "bookings_held_expires_at_idx" ON "bookings"("expires_at") WHERE "status" = 'HELD';
