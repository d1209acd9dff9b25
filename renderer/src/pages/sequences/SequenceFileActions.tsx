/**
 * Sequence files on the sequences page: Import (a file picker; the core checks the whole file and
 * adds the sequence, or says what is wrong with it) and Export (the core zips a sequence with its
 * attachments; the file is saved as a download, in Electron and in a browser alike).
 */
import { useRef, useState } from 'react';
import type { SequenceSummary } from '../../../../shared/domain';
import { call, errorMessage } from '../../api';
import { Icon } from '../../components/Icon';
import { bytesToBase64 } from '../../lib/base64';
import { downloadBase64 } from '../../lib/download';
import { useSequences } from '../../stores/sequences';
import { toastError, toastSuccess } from '../../stores/toasts';

export function ImportSequenceButton() {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  const importFile = async (file: File) => {
    setBusy(true);
    try {
      const dataBase64 = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
      const { sequence, renamedFrom } = await call('sequences.import', { fileName: file.name, dataBase64 });
      void useSequences.getState().load();
      toastSuccess(
        renamedFrom === null
          ? `Imported “${sequence.name}” with ${sequence.messageCount === 1 ? 'its message' : `its ${sequence.messageCount} messages`}.`
          : `Imported as “${sequence.name}”: a sequence called “${renamedFrom}” already exists.`,
      );
    } catch (caught) {
      toastError(`Could not import “${file.name}”: ${errorMessage(caught)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".zip,application/zip"
        hidden
        data-testid="import-sequence-file"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          // The same file picked twice in a row must fire change again.
          event.currentTarget.value = '';
          if (file) void importFile(file);
        }}
      />
      <button type="button" className="button" disabled={busy} onClick={() => input.current?.click()} data-testid="import-sequence">
        <Icon name="upload" />
        {busy ? 'Importing…' : 'Import sequence'}
      </button>
    </>
  );
}

/** Downloads the sequence as `<name>.sequence.zip`. */
export async function exportSequence(sequence: SequenceSummary): Promise<void> {
  try {
    const file = await call('sequences.export', { id: sequence.id });
    downloadBase64(file.fileName, file.dataBase64, 'application/zip');
    toastSuccess(`Exported “${sequence.name}” as ${file.fileName}.`);
  } catch (caught) {
    toastError(`Could not export “${sequence.name}”: ${errorMessage(caught)}`);
  }
}
