/**
 * The app's data: one SQLite file, migrated to the newest schema on open, with one repository
 * per table group. Services group repository calls into use cases with `write` (one transaction
 * each); nothing outside store/ touches SQL.
 */
import { ContactRepository } from './contact-repository';
import type { SqliteDatabase } from './database';
import { openDatabase } from './database';
import { DeliveryRepository } from './delivery-repository';
import { InboundRepository } from './inbound-repository';
import { MediaRepository } from './media-repository';
import { MessageRepository } from './message-repository';
import { migrate, type MigrationResult } from './migrations/runner';
import { RecomputeQueueRepository } from './recompute-queue-repository';
import { SequenceRepository } from './sequence-repository';
import { SettingsRepository } from './settings-repository';
import { SubscriptionRepository } from './subscription-repository';
import { WhatsAppIdentityRepository } from './whatsapp-identity-repository';

export interface Store {
  readonly db: SqliteDatabase;
  readonly migration: MigrationResult;
  readonly sequences: SequenceRepository;
  readonly messages: MessageRepository;
  readonly media: MediaRepository;
  readonly settings: SettingsRepository;
  readonly contacts: ContactRepository;
  readonly subscriptions: SubscriptionRepository;
  readonly deliveries: DeliveryRepository;
  readonly recomputeQueue: RecomputeQueueRepository;
  readonly whatsappIdentities: WhatsAppIdentityRepository;
  /** Messages customers sent the shop, and the subscription changes they make. */
  readonly inbound: InboundRepository;
  /**
   * Runs `work` in one IMMEDIATE transaction (the write lock is taken up front, so it cannot fail
   * half-way for want of it). Anything thrown rolls everything back. `work` must be synchronous:
   * an `await` inside would commit before the awaited work ran.
   */
  write<T>(work: () => T): T;
  /**
   * A consistent copy of the whole database at `filePath` with SQLite's online backup API: it is
   * copied in small steps between other work, and writes meanwhile are folded into the copy.
   */
  backupTo(filePath: string): Promise<void>;
  close(): void;
}

export function openStore(filePath: string): Store {
  const db = openDatabase(filePath);
  try {
    const migration = migrate(db);
    return {
      db,
      migration,
      sequences: new SequenceRepository(db),
      messages: new MessageRepository(db),
      media: new MediaRepository(db),
      settings: new SettingsRepository(db),
      contacts: new ContactRepository(db),
      subscriptions: new SubscriptionRepository(db),
      deliveries: new DeliveryRepository(db),
      recomputeQueue: new RecomputeQueueRepository(db),
      whatsappIdentities: new WhatsAppIdentityRepository(db),
      inbound: new InboundRepository(db),
      // better-sqlite3 rolls back and throws if `work` returns a Promise.
      write: <T>(work: () => T): T => db.transaction(work).immediate(),
      backupTo: async (filePath: string): Promise<void> => {
        await db.backup(filePath);
      },
      close: () => {
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
