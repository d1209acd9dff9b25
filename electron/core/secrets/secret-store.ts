/**
 * Where the core keeps secrets (gateway passwords, tokens): a small key → string store passed in
 * by the shell (DESIGN.md §6). The desktop encrypts with Electron's safeStorage
 * (shell/safe-storage-secret-store.ts); headless keeps a file only its user can read
 * (file-secret-store.ts). Secrets never go into the database, the logs or an API answer.
 *
 * Synchronous on purpose: both implementations are, and callers use them inside use cases that
 * must not await half-way.
 */
export interface SecretStore {
  get(key: string): string | undefined;
  /** Throws if the secret cannot be stored safely (the caller reports it; nothing is half-written). */
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** For tests: keeps secrets in memory. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  set(key: string, value: string): void {
    this.values.set(key, value);
  }

  delete(key: string): void {
    this.values.delete(key);
  }
}
