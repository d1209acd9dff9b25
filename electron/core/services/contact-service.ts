/**
 * Contact use cases: list (with the sequences each contact is in), open, create/edit/merge, delete.
 * Phone numbers are normalised to E.164 with the default country from the settings. A contact
 * may have none: a customer who wrote in over WhatsApp from a privacy id is known by that id
 * until a phone is learned or the owner adds one.
 */
import type { ParsedInput } from '../../../shared/contract';
import type { Contact, ContactDetail, ContactListItem } from '../../../shared/domain';
import { AppError, notFound, validation } from '../errors';
import { normalizePhone } from './phone';
import type { ServiceDeps } from './service-deps';
import type { SettingsService } from './settings-service';

export class ContactService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: SettingsService,
  ) {}

  list(input: ParsedInput<'contacts.list'>): { rows: ContactListItem[]; total: number } {
    const { contacts, subscriptions } = this.deps.store;
    const page = contacts.list(input);
    const memberships = subscriptions.membershipsOf(page.rows.map((c) => c.id));
    return {
      rows: page.rows.map((contact) => ({ ...contact, memberships: memberships.get(contact.id) ?? [] })),
      total: page.total,
    };
  }

  get(id: number): ContactDetail {
    const { contacts, subscriptions } = this.deps.store;
    const contact = contacts.findById(id);
    if (contact === undefined) throw notFound('Contact', id);
    return { contact, subscriptions: subscriptions.listByContact(id) };
  }

  /**
   * With an id: replaces that contact's phone when one is given (a contact known only by a
   * WhatsApp id may be given one; a phone is never removed), and its name and attributes when
   * given (attributes as a whole: the edit form sends them all, so a removed one goes). Refused
   * with CONFLICT when the new phone belongs to another contact.
   * Without an id: creates the contact, or merges into the one with this phone (a non-blank name
   * replaces the stored one; attributes are merged, given keys win).
   */
  upsert(input: ParsedInput<'contacts.upsert'>): Contact {
    const { store, clock, events } = this.deps;
    const phone = input.phone === undefined ? null : normalizePhone(input.phone, this.settings.get().defaultCountry);
    const contact = store.write(() => {
      const now = clock.now();
      let id: number;
      if (input.id !== undefined) {
        id = input.id;
        const current = store.contacts.findById(id);
        if (current === undefined) throw notFound('Contact', id);
        if (phone !== null) {
          const holder = store.contacts.findByPhone(phone);
          if (holder !== undefined && holder.id !== id) {
            throw new AppError('CONFLICT', `${phone} already belongs to ${holder.name || 'another contact'}.`, 'phone');
          }
        }
        store.contacts.update(
          id,
          { phone: phone ?? current.phone, name: input.name ?? current.name, attributes: input.attributes ?? current.attributes },
          now,
        );
      } else {
        if (phone === null) throw validation('Phone number is required', 'phone');
        id = store.contacts.upsertByPhone(
          { phone, name: input.name, attributes: input.attributes, source: 'manual', consentNote: 'Added by hand' },
          now,
        ).id;
      }
      return this.contact(id);
    });
    events.dataChanged('contacts');
    return contact;
  }

  /** Deletes the contact with its subscriptions and their deliveries: nothing more goes out to them. */
  delete(id: number): { id: number } {
    const { store, events } = this.deps;
    store.write(() => {
      if (!store.contacts.delete(id)) throw notFound('Contact', id);
    });
    events.dataChanged('contacts', 'subscriptions', 'deliveries', 'sequences');
    return { id };
  }

  private contact(id: number): Contact {
    const contact = this.deps.store.contacts.findById(id);
    if (contact === undefined) throw new Error(`Contact ${id} vanished inside its own transaction.`);
    return contact;
  }
}
