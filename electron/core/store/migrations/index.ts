import type { Migration } from './migration';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-people';
import { migration0003 } from './0003-delivery-engine';
import { migration0004 } from './0004-search-and-recompute';
import { migration0005 } from './0005-retry-window';
import { migration0006 } from './0006-lean-engine-indexes';
import { migration0007 } from './0007-channels-and-inbound';
import { migration0008 } from './0008-delivery-fallback';
import { migration0009 } from './0009-checks-without-in-lists';
import { migration0010 } from './0010-search-without-document-sizes';

/** Every migration, oldest first. Append only: never edit or reorder a shipped entry. */
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010];
