import type { Migration } from './migration';

/**
 * The shop's WhatsApp, more SMS gateways, and customers who write in (issue 8, DESIGN.md §6).
 *
 * contacts (rebuilt: SQLite cannot drop NOT NULL or change a CHECK in place)
 * - `phone` becomes optional. A customer who writes in over WhatsApp may arrive as a privacy id
 *   (`…@lid`) whose phone number the library cannot tell us; they are kept by their WhatsApp id
 *   so replies, STOP and auto-subscription still work. Every contact has a phone or a WhatsApp
 *   id (CHECK), and each of them at most once (unique indexes), so the same person is never
 *   stored twice.
 * - `whatsapp_id` is the id messages are sent to (`…@c.us` from `getNumberId`, or `…@lid` for a
 *   contact known only by it); `whatsapp_lid` is the privacy id seen on their inbound messages.
 *   `whatsapp_status` caches the number lookup: NULL not asked yet, 'on' (id known), 'not-on'
 *   (the number is not on WhatsApp; asked at `whatsapp_checked_at`, asked again after a while).
 *   A phone change clears all three (the repository does that).
 * - `consent_inbound_id`: the inbound message that subscribed them (the consent record), if any.
 *   A plain integer, not a foreign key: the inbound log may be trimmed, the record must not go.
 * - The FTS5 search indexes (migration 0004) are external-content tables over contacts: rebuilt
 *   from the new table at the end.
 *
 * sequences
 * - `sms_fallback`: with channel 'whatsapp', "WhatsApp, else SMS": a message goes out by SMS when
 *   the number is not on WhatsApp or WhatsApp has been down longer than the setting allows.
 * - `stop_on_reply`: any inbound message (other than STOP/START) stops the customer's active
 *   subscription of this sequence.
 *
 * subscriptions
 * - `end_reason`: why a subscription ended other than by completing it (stopped on reply,
 *   opted out by STOP), for the timeline.
 *
 * deliveries
 * - `receipt` / `receipt_at`: the furthest acknowledgement the provider reported after the send
 *   ('server' → 'delivered' → 'read' → 'played'; WhatsApp's message_ack, SMSGate's
 *   sms:delivered). Only ever moves forward.
 * - `deliveries_whatsapp_provider_id`: acks name the provider's message id; partial, so only
 *   WhatsApp sends pay for the index entry.
 *
 * inbound_messages
 * - Every message a customer sent the shop, from any channel, once: UNIQUE (provider,
 *   provider_message_id) makes a webhook the gateway retries, or a WhatsApp message seen again
 *   after a reconnect, a no-op. `actions` is a JSON array of what it did (subscribed, opted out,
 *   stopped a subscription, nothing), for the inbox.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'channels-and-inbound',
  // Rebuilding contacts drops the table others reference: with foreign keys on, the DROP would
  // cascade into subscriptions. The runner turns them off around this migration and runs
  // PRAGMA foreign_key_check before it commits.
  foreignKeysOff: true,
  up(db) {
    db.exec(`
      CREATE TABLE contacts_rebuilt (
        id                  INTEGER PRIMARY KEY,
        phone               TEXT    CHECK (phone IS NULL OR (phone GLOB '+[1-9]*' AND length(phone) BETWEEN 4 AND 16
                                                             AND substr(phone, 2) NOT GLOB '*[^0-9]*')),
        name                TEXT    NOT NULL DEFAULT '',
        name_key            TEXT    NOT NULL DEFAULT '',
        attributes          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(attributes) AND json_type(attributes) = 'object'),
        opted_out_at        INTEGER,
        whatsapp_id         TEXT    CHECK (whatsapp_id IS NULL OR length(whatsapp_id) BETWEEN 3 AND 100),
        whatsapp_lid        TEXT    CHECK (whatsapp_lid IS NULL OR length(whatsapp_lid) BETWEEN 3 AND 100),
        whatsapp_status     TEXT    CHECK (whatsapp_status IS NULL OR whatsapp_status IN ('on', 'not-on')),
        whatsapp_checked_at INTEGER,
        source              TEXT    NOT NULL CHECK (source IN ('manual', 'import', 'inbound')),
        consent_note        TEXT    NOT NULL DEFAULT '',
        consent_at          INTEGER NOT NULL,
        consent_inbound_id  INTEGER,
        created_at          INTEGER NOT NULL,
        updated_at          INTEGER NOT NULL,
        CHECK (phone IS NOT NULL OR whatsapp_id IS NOT NULL OR whatsapp_lid IS NOT NULL)
      ) STRICT;

      INSERT INTO contacts_rebuilt (id, phone, name, name_key, attributes, opted_out_at, whatsapp_id, source,
                                    consent_note, consent_at, created_at, updated_at)
      SELECT id, phone, name, name_key, attributes, opted_out_at, whatsapp_id, source,
             consent_note, consent_at, created_at, updated_at
      FROM contacts;

      DROP TABLE contacts;
      ALTER TABLE contacts_rebuilt RENAME TO contacts;

      -- NULLs are distinct in a UNIQUE index: contacts without a phone do not collide.
      CREATE UNIQUE INDEX contacts_phone ON contacts (phone);
      CREATE INDEX contacts_name_key ON contacts (name_key, phone);
      CREATE UNIQUE INDEX contacts_whatsapp_id ON contacts (whatsapp_id) WHERE whatsapp_id IS NOT NULL;
      CREATE UNIQUE INDEX contacts_whatsapp_lid ON contacts (whatsapp_lid) WHERE whatsapp_lid IS NOT NULL;

      INSERT INTO contacts_name_search (contacts_name_search) VALUES ('rebuild');
      INSERT INTO contacts_phone_search (contacts_phone_search) VALUES ('rebuild');

      ALTER TABLE sequences ADD COLUMN sms_fallback INTEGER NOT NULL DEFAULT 0 CHECK (sms_fallback IN (0, 1));
      ALTER TABLE sequences ADD COLUMN stop_on_reply INTEGER NOT NULL DEFAULT 0 CHECK (stop_on_reply IN (0, 1));

      ALTER TABLE subscriptions ADD COLUMN end_reason TEXT;

      ALTER TABLE deliveries ADD COLUMN receipt TEXT CHECK (receipt IS NULL OR receipt IN ('server', 'delivered', 'read', 'played'));
      ALTER TABLE deliveries ADD COLUMN receipt_at INTEGER;
      CREATE INDEX deliveries_whatsapp_provider_id ON deliveries (provider_message_id)
        WHERE channel = 'whatsapp' AND provider_message_id IS NOT NULL;

      CREATE TABLE inbound_messages (
        id                  INTEGER PRIMARY KEY,
        channel             TEXT    NOT NULL CHECK (channel IN ('whatsapp', 'sms')),
        provider            TEXT    NOT NULL CHECK (provider IN ('whatsapp', 'smsgate', 'twilio', 'test')),
        provider_message_id TEXT    NOT NULL CHECK (length(provider_message_id) BETWEEN 1 AND 200),
        from_phone          TEXT,
        from_whatsapp_id    TEXT,
        contact_id          INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
        body                TEXT    NOT NULL DEFAULT '',
        received_at         INTEGER NOT NULL,
        actions             TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(actions) AND json_type(actions) = 'array'),
        created_at          INTEGER NOT NULL,
        CHECK (from_phone IS NOT NULL OR from_whatsapp_id IS NOT NULL)
      ) STRICT;
      CREATE UNIQUE INDEX inbound_messages_provider_id ON inbound_messages (provider, provider_message_id);
      -- The inbox, newest first.
      CREATE INDEX inbound_messages_received ON inbound_messages (received_at);
      -- A contact's messages (and the SET NULL when a contact is deleted).
      CREATE INDEX inbound_messages_contact ON inbound_messages (contact_id) WHERE contact_id IS NOT NULL;
    `);
  },
};
