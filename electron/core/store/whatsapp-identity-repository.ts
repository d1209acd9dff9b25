/**
 * The WhatsApp number lookup cache on contacts (migration 0007): `whatsapp_id` (the id
 * getNumberId answered), `whatsapp_status` ('on' | 'not-on'), `whatsapp_checked_at`. The
 * WhatsApp channel asks WhatsApp once per number and writes the answer here, so the next message
 * to the same customer needs no lookup, and a number that is not on WhatsApp is not asked about
 * again for a while (the channel decides how long).
 *
 * Only these three columns are written: no name or phone changes, so the search indexes that
 * contact-repository.ts keeps are unaffected. Keyed by phone: the channel knows the number it
 * resolved, not the contact row. A contact that has no phone (known only by a WhatsApp id) is
 * never looked up, so never written here.
 */
import type { SqliteDatabase } from './database';

export type WhatsAppPresence = 'on' | 'not-on';

export interface WhatsAppIdentity {
  whatsappId: string | null;
  /** Null: never asked. */
  status: WhatsAppPresence | null;
  checkedAt: number | null;
}

interface IdentityRow {
  whatsapp_id: string | null;
  whatsapp_status: string | null;
  whatsapp_checked_at: number | null;
}

export class WhatsAppIdentityRepository {
  private readonly selectByPhone;
  private readonly markOn;
  private readonly markNotOn;

  constructor(db: SqliteDatabase) {
    this.selectByPhone = db.prepare<[string], IdentityRow>('SELECT whatsapp_id, whatsapp_status, whatsapp_checked_at FROM contacts WHERE phone = ?');
    // The id is unique among contacts: if another contact already holds it (the same person
    // came in by a privacy id WhatsApp has since tied to this number), the row is left as it
    // is rather than failing the send; merging those two is the inbound handling's job.
    this.markOn = db.prepare<{ phone: string; id: string; at: number }>(
      `UPDATE contacts SET whatsapp_id = @id, whatsapp_status = 'on', whatsapp_checked_at = @at
       WHERE phone = @phone
         AND NOT EXISTS (SELECT 1 FROM contacts AS other WHERE other.whatsapp_id = @id AND other.phone IS NOT @phone)`,
    );
    this.markNotOn = db.prepare<{ phone: string; at: number }>(
      "UPDATE contacts SET whatsapp_id = NULL, whatsapp_status = 'not-on', whatsapp_checked_at = @at WHERE phone = @phone",
    );
  }

  /** The cached answer for a phone number; undefined when no contact has it. */
  findByPhone(phone: string): WhatsAppIdentity | undefined {
    const row = this.selectByPhone.get(phone);
    if (row === undefined) return undefined;
    const status = row.whatsapp_status === 'on' || row.whatsapp_status === 'not-on' ? row.whatsapp_status : null;
    return { whatsappId: row.whatsapp_id, status, checkedAt: row.whatsapp_checked_at };
  }

  /** The number is on WhatsApp as `whatsappId`. False when nothing was written (no such contact, or the id belongs to another contact). */
  recordOnWhatsApp(phone: string, whatsappId: string, at: number): boolean {
    return this.markOn.run({ phone, id: whatsappId, at }).changes > 0;
  }

  /** The number has no WhatsApp account (as of `at`). False when no contact has it. */
  recordNotOnWhatsApp(phone: string, at: number): boolean {
    return this.markNotOn.run({ phone, at }).changes > 0;
  }
}
