/**
 * Keeps every store in step with the core: when `data.changed` names a table a view reads, that
 * view reloads. Views that were never opened stay untouched (they load when first shown).
 */
import { subscribe } from '../api';
import type { TableName } from '../../../shared/contract';
import { useSequences } from './sequences';
import { useSequenceEditor } from './sequence-editor';
import { useSettings } from './settings';
import { useContactList, useSubscriberList } from './people-lists';
import { useSubscriberDetail } from './subscriber-detail';

const touches = (tables: readonly TableName[], reads: readonly TableName[]) => tables.some((t) => reads.includes(t));

export function startDataSync(): () => void {
  return subscribe('data.changed', ({ tables }) => {
    // The list shows subscriber, active and sent counts: people and deliveries change them too.
    if (touches(tables, ['sequences', 'messages', 'subscriptions', 'contacts', 'deliveries']) && useSequences.getState().status === 'ready') {
      void useSequences.getState().load();
    }
    const editor = useSequenceEditor.getState();
    if (editor.id !== null && editor.status === 'ready') {
      // Each message shows how often it was sent: a delivery changes that.
      if (touches(tables, ['sequences', 'messages', 'media', 'deliveries'])) void editor.reload();
      else if (touches(tables, ['settings'])) void editor.reloadPreview();
    }
    if (touches(tables, ['settings']) && useSettings.getState().status === 'ready') void useSettings.getState().load();
    // Subscriber rows show names and the last / next message: people, deliveries and messages change them.
    if (touches(tables, ['subscriptions', 'contacts', 'deliveries', 'messages'])) void useSubscriberList.getState().refresh();
    if (touches(tables, ['contacts', 'subscriptions', 'sequences'])) void useContactList.getState().refresh();
    // The timeline's planned times also follow the business time zone.
    const detail = useSubscriberDetail.getState();
    if (detail.id !== null && touches(tables, ['subscriptions', 'contacts', 'deliveries', 'messages', 'sequences', 'settings'])) void detail.reload();
  });
}
