-- Holds, expiry and cancellation
ALTER TYPE "BookingStatus" ADD VALUE 'HELD';
ALTER TYPE "BookingStatus" ADD VALUE 'EXPIRED';
ALTER TYPE "BookingStatus" ADD VALUE 'CANCELLED';

ALTER TABLE "bookings" ADD COLUMN "expires_at" TIMESTAMPTZ(3),
ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;

-- Event administration and the per-user limit
ALTER TABLE "events" ADD COLUMN "on_sale" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN "per_user_limit" INTEGER NOT NULL DEFAULT 6,
ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;

-- myBookings: a user's bookings, newest first
DROP INDEX "bookings_user_id_idx";
CREATE INDEX "bookings_user_id_created_at_id_idx" ON "bookings"("user_id", "created_at" DESC, "id" DESC);

-- The per-user limit counts a user's live seats of one event inside the deciding transaction
CREATE INDEX "bookings_event_id_user_id_idx" ON "bookings"("event_id", "user_id");
