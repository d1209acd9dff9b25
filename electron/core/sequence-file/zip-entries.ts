/**
 * Reading an untrusted zip into memory, safely. yauzl does the zip format and most of the
 * checking: with `strictFileNames` and `decodeStrings` it refuses absolute paths, `..` segments
 * and backslashes in entry names, and with `validateEntrySizes` it refuses an entry whose data
 * inflates to more (or less) than its header declares — the classic zip bomb lies there. On top:
 * a cap on the number of entries, on each entry's and on the total declared size (checked before
 * anything is inflated), encrypted entries refused, a name filter, and no name twice.
 *
 * Errors are `ZipRejected` with a sentence for the owner; yauzl's own wording goes to the log.
 */
import yauzl from 'yauzl';
import { errorMessage } from '../errors';

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

export class ZipRejected extends Error {
  constructor(
    message: string,
    readonly detail: string | null = null,
  ) {
    super(message);
    this.name = 'ZipRejected';
  }
}

/** Every file entry of the zip by name (folders skipped). `accept` says which names may appear at all. */
export function readZipEntries(zip: Buffer, limits: ZipLimits, accept: (name: string) => boolean): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: true }, (openError, file) => {
      if (openError !== null) {
        reject(new ZipRejected('This file is not a sequence file (it could not be read as a zip file).', errorMessage(openError)));
        return;
      }
      const entries = new Map<string, Buffer>();
      let count = 0;
      let total = 0;
      const fail = (error: ZipRejected): void => {
        file.close();
        reject(error);
      };
      file.on('error', (error: unknown) => {
        const detail = errorMessage(error);
        // yauzl's wording for names like `../x`, `/etc/x` or `a\\b` (validateFileName).
        const badName = /^(invalid characters in fileName|absolute path|invalid relative path):/.test(detail);
        fail(new ZipRejected(badName ? 'This sequence file holds a file name that points outside it, so it is not opened.' : 'This sequence file is damaged and cannot be read.', detail));
      });
      file.on('end', () => resolve(entries));
      file.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        if (name.endsWith('/')) {
          file.readEntry();
          return;
        }
        count++;
        total += entry.uncompressedSize;
        if (count > limits.maxEntries) return fail(new ZipRejected(`This sequence file holds too many files (more than ${limits.maxEntries}).`));
        if (!accept(name)) return fail(new ZipRejected(`This sequence file holds a file it should not: “${name.slice(0, 100)}”.`));
        if (entries.has(name)) return fail(new ZipRejected(`This sequence file holds “${name}” twice.`));
        if (entry.isEncrypted()) return fail(new ZipRejected('This sequence file is encrypted; export the sequence again without a password.'));
        if (entry.uncompressedSize > limits.maxEntryBytes || total > limits.maxTotalBytes) {
          return fail(new ZipRejected(`This sequence file unpacks to more than ${Math.floor(limits.maxTotalBytes / (1024 * 1024))} MB, more than a sequence can hold.`));
        }
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError !== null) return fail(new ZipRejected('This sequence file is damaged and cannot be read.', errorMessage(streamError)));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', (error: unknown) => fail(new ZipRejected('This sequence file is damaged and cannot be read.', errorMessage(error))));
          stream.on('end', () => {
            entries.set(name, Buffer.concat(chunks));
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}
