import type { Migration } from './migration';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-people';

/** Every migration, oldest first. Append only: never edit or reorder a shipped entry. */
export const migrations: readonly Migration[] = [migration0001, migration0002];
