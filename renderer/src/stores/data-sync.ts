/**
 * Keeps every store in step with the core: when `data.changed` names a table a view reads, that
 * view reloads. Views that were never opened stay untouched (they load when first shown).
 */
import { subscribe } from '../api';
import type { TableName } from '../../../shared/contract';
import { useSequences } from './sequences';
import { useSequenceEditor } from './sequence-editor';
import { useSettings } from './settings';

const touches = (tables: readonly TableName[], reads: readonly TableName[]) => tables.some((t) => reads.includes(t));

export function startDataSync(): () => void {
  return subscribe('data.changed', ({ tables }) => {
    if (touches(tables, ['sequences', 'messages']) && useSequences.getState().status === 'ready') {
      void useSequences.getState().load();
    }
    const editor = useSequenceEditor.getState();
    if (editor.id !== null && editor.status === 'ready') {
      if (touches(tables, ['sequences', 'messages', 'media'])) void editor.reload();
      else if (touches(tables, ['settings'])) void editor.reloadPreview();
    }
    if (touches(tables, ['settings']) && useSettings.getState().status === 'ready') void useSettings.getState().load();
  });
}
