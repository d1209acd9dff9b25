import type { Migration } from './migration';

/**
 * "WhatsApp, else SMS" (issue 8): why a delivery of such a sequence goes out by SMS.
 *
 * deliveries
 * - `fallback`: NULL for a delivery that goes where its sequence sends; 'not-on-whatsapp' when
 *   WhatsApp answered that the number has no account; 'whatsapp-down' when WhatsApp had not been
 *   ready for longer than the setting allows (settings.whatsapp.smsFallbackAfterMinutes).
 *   Set when the delivery is handed to SMS. The engine keeps such a delivery on SMS until it
 *   settles (once an SMS provider has seen its key, only that provider can drop a repeat), and
 *   the activity log says why it went by SMS.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'delivery-fallback',
  up(db) {
    db.exec(`
      ALTER TABLE deliveries ADD COLUMN fallback TEXT CHECK (fallback IS NULL OR fallback IN ('not-on-whatsapp', 'whatsapp-down'));
    `);
  },
};
