/**
 * Thrown by the import between chunks of work once the owner pressed Cancel. Inside the write
 * transaction it makes better-sqlite3 roll everything back; `runImport` turns it into a result with
 * status 'cancelled' (it is not an error the owner needs to read).
 */
export class ImportCancelled extends Error {
  constructor() {
    super('The import was cancelled.');
    this.name = 'ImportCancelled';
  }
}
