import type { Migration } from './migration';

/**
 * The people search's trigram indexes without their per-contact size table (issue 9: the
 * 100,000-row import under 3 s).
 *
 * By default FTS5 keeps, beside the index, one row per document with the size of each column
 * (`…_docsize`), which only its bm25() ranking and the xColumnSize API read. The search never
 * ranks (contact-search.ts orders by name), so every contact written paid one B-tree row per
 * index for nothing: about 8 % of an import's SQLite work (64 of 750 million instructions per
 * 10,000 contacts, counted with callgrind). `columnsize = 0` leaves it out; matching is unchanged.
 *
 * An FTS5 option is fixed when the table is created, so both tables are created again and
 * refilled from contacts (`rebuild`), as migration 0004 first built them.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'search-without-document-sizes',
  up(db) {
    db.exec(`
      DROP TABLE contacts_name_search;
      DROP TABLE contacts_phone_search;
      CREATE VIRTUAL TABLE contacts_name_search USING fts5(
        name_key, content = 'contacts', content_rowid = 'id', tokenize = 'trigram case_sensitive 1', columnsize = 0
      );
      CREATE VIRTUAL TABLE contacts_phone_search USING fts5(
        phone, content = 'contacts', content_rowid = 'id', tokenize = 'trigram case_sensitive 1', columnsize = 0
      );
      INSERT INTO contacts_name_search (contacts_name_search) VALUES ('rebuild');
      INSERT INTO contacts_phone_search (contacts_phone_search) VALUES ('rebuild');
    `);
  },
};
