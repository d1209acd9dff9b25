/**
 * CSV import, in three steps inside one dialog:
 *   1. pick a .csv file — checked here first (size, encoding, empty) with the core's own words;
 *   2. map its columns — a preview of the first rows (papaparse, here), phone / name / attributes,
 *      and an optional sequence to subscribe everyone to;
 *   3. run — `contacts.import` with an id of our own, so `import.progress` events for it feed the
 *      progress bar and Cancel can name it — then the result, with the skipped rows and their
 *      error report to download.
 * The core imports all or nothing: a cancelled or failed import has changed nothing, which the
 * dialog says. Closing while it runs asks whether to cancel.
 */
import { useEffect, useRef, useState } from 'react';
import type { ImportProgress, ImportResult } from '../../../../shared/domain';
import { ApiCallError, call, errorMessage, subscribe } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { PEOPLE_LIMITS } from '../../../../shared/contract';
import { checkCsvSize, decodeCsv, newImportId, previewCsv } from '../../lib/csv-file';
import { formatBytes } from '../../lib/format';
import { checkMapping, initialMapping, type MappingDraft } from '../../lib/import-mapping';
import { useSequences } from '../../stores/sequences';
import { toastError, toastSuccess } from '../../stores/toasts';
import { ImportMappingStep, type MappingErrors } from './ImportMappingStep';
import { ImportProgressView } from './ImportProgressView';
import { ImportResultView } from './ImportResultView';

export interface PickedFile {
  name: string;
  sizeBytes: number;
  text: string;
}

type Step =
  | { step: 'pick' }
  | { step: 'map'; file: PickedFile }
  | { step: 'run'; file: PickedFile; importId: string; progress: ImportProgress | null; cancelling: boolean }
  | { step: 'result'; file: PickedFile; result: ImportResult; sequenceName: string | null };

interface ImportDialogProps {
  /** Opened from a sequence: subscribe the imported people to it unless the owner changes that. */
  presetSequenceId?: number | null;
  onClose: () => void;
}

const STEP_TITLES = { pick: 'Choose a CSV file', map: 'Match the columns', run: 'Importing…', result: 'Import finished' } as const;

export function ImportDialog({ presetSequenceId = null, onClose }: ImportDialogProps) {
  const sequences = useSequences((state) => state.sequences);
  const [state, setState] = useState<Step>({ step: 'pick' });
  const [fileError, setFileError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const [hasHeader, setHasHeader] = useState(true);
  const [mapping, setMapping] = useState<MappingDraft>({ phone: '', name: '', others: [] });
  const [sequenceId, setSequenceId] = useState<number | null>(presetSequenceId);
  const [mappingErrors, setMappingErrors] = useState<MappingErrors>({});
  const [askCancel, setAskCancel] = useState(false);
  const closeWhenSettled = useRef(false);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    void useSequences.getState().load();
    return () => {
      mounted.current = false;
    };
  }, []);

  const sequenceName = (id: number | null) => (id === null ? null : (sequences.find((s) => s.id === id)?.name ?? null));

  const pick = async (file: File) => {
    setFileError(null);
    const sizeError = checkCsvSize(file.name, file.size);
    if (sizeError) {
      setFileError(sizeError);
      return;
    }
    setReading(true);
    try {
      const read = decodeCsv(file.name, new Uint8Array(await file.arrayBuffer()));
      if (!read.ok) {
        setFileError(read.error);
        return;
      }
      const preview = previewCsv(read.text, true);
      if (preview.rows.length === 0 && preview.columns.length === 0) {
        setFileError(`“${file.name}” has no rows to import.`);
        return;
      }
      setHasHeader(true);
      setMapping(initialMapping(preview));
      setMappingErrors({});
      setState({ step: 'map', file: { name: file.name, sizeBytes: file.size, text: read.text } });
    } catch (caught) {
      setFileError(`Could not read “${file.name}”: ${caught instanceof Error ? caught.message : String(caught)}`);
    } finally {
      setReading(false);
    }
  };

  const changeHeader = (file: PickedFile, value: boolean) => {
    setHasHeader(value);
    // Column names change with the header choice (its cells, or "Column N"): guess afresh.
    setMapping(initialMapping(previewCsv(file.text, value)));
    setMappingErrors({});
  };

  const run = async (file: PickedFile) => {
    const checked = checkMapping(mapping);
    if ('error' in checked) {
      setMappingErrors({ [checked.field]: checked.error });
      return;
    }
    setMappingErrors({});
    const importId = newImportId();
    setState({ step: 'run', file, importId, progress: null, cancelling: false });
    // Listen before starting, so not even the first event is missed.
    const stopListening = subscribe('import.progress', (progress) => {
      if (progress.importId !== importId || !mounted.current) return;
      setState((current) => (current.step === 'run' && current.importId === importId ? { ...current, progress } : current));
    });
    try {
      const result = await call('contacts.import', {
        importId,
        fileName: file.name,
        csvText: file.text,
        hasHeader,
        mapping: checked.mapping,
        sequenceId,
      });
      if (!mounted.current || closeWhenSettled.current) {
        announceInBackground(result);
        return;
      }
      setState({ step: 'result', file, result, sequenceName: sequenceName(sequenceId) });
    } catch (caught) {
      if (!mounted.current || closeWhenSettled.current) {
        toastError(`The import failed and changed nothing: ${errorMessage(caught)}`);
        return;
      }
      setMappingErrors(errorsFromServer(caught));
      setState({ step: 'map', file });
    } finally {
      stopListening();
    }
  };

  const cancelImport = async () => {
    if (state.step !== 'run') return;
    setState({ ...state, cancelling: true });
    await call('contacts.cancelImport', { importId: state.importId });
  };

  const requestClose = () => {
    if (state.step === 'run') setAskCancel(true);
    else onClose();
  };

  const startOver = () => {
    setState({ step: 'pick' });
    setFileError(null);
  };

  return (
    <Dialog
      title={state.step === 'result' && state.result.status === 'cancelled' ? 'Import cancelled' : STEP_TITLES[state.step]}
      subtitle={state.step === 'pick' ? 'Add many people at once from a spreadsheet saved as CSV.' : state.step !== 'run' ? state.file.name : undefined}
      onClose={requestClose}
      size="large"
      testId="import-dialog"
      footer={footerFor()}
    >
      <ol className="steps" aria-label="Steps">
        {(['pick', 'map', 'run'] as const).map((step, index) => {
          const order = { pick: 0, map: 1, run: 2, result: 3 }[state.step];
          const current = order === index;
          return (
            <li key={step} className={`step${current ? ' step-current' : ''}${order > index ? ' step-done' : ''}`} aria-current={current ? 'step' : undefined}>
              <span className="step-number">{order > index ? <Icon name="check" /> : index + 1}</span>
              {['Choose file', 'Match columns', 'Import'][index]}
            </li>
          );
        })}
      </ol>

      {state.step === 'pick' ? <FileStep reading={reading} error={fileError} onPick={(file) => void pick(file)} /> : null}
      {state.step === 'map' ? (
        <ImportMappingStep
          text={state.file.text}
          hasHeader={hasHeader}
          onHasHeaderChange={(value) => changeHeader(state.file, value)}
          mapping={mapping}
          onMappingChange={(next) => {
            setMapping(next);
            setMappingErrors({});
          }}
          sequences={sequences}
          sequenceId={sequenceId}
          onSequenceChange={setSequenceId}
          errors={mappingErrors}
        />
      ) : null}
      {state.step === 'run' ? <ImportProgressView progress={state.progress} cancelling={state.cancelling} fileName={state.file.name} /> : null}
      {state.step === 'result' ? <ImportResultView result={state.result} fileName={state.file.name} sequenceName={state.sequenceName} /> : null}

      {askCancel && state.step === 'run' ? (
        <ConfirmDialog
          title="Stop the import?"
          confirmLabel="Stop import"
          busyLabel="Stopping…"
          onClose={() => setAskCancel(false)}
          onConfirm={async () => {
            closeWhenSettled.current = true;
            await cancelImport();
            onClose();
          }}
        >
          <p>Nothing from this file will be imported. You can start it again later.</p>
        </ConfirmDialog>
      ) : null}
    </Dialog>
  );

  function footerFor() {
    switch (state.step) {
      case 'pick':
        return (
          <button type="button" className="button" onClick={onClose} data-testid="dialog-cancel">
            Cancel
          </button>
        );
      case 'map': {
        const file = state.file;
        return (
          <>
            {mappingErrors.form ? (
              <p className="form-error footer-error" role="alert" data-testid="import-error">
                {mappingErrors.form}
              </p>
            ) : null}
            <button type="button" className="button" onClick={startOver} data-testid="import-back">
              <Icon name="back" />
              Other file
            </button>
            <button type="button" className="button button-primary" onClick={() => void run(file)} data-testid="import-run">
              <Icon name="upload" />
              Import
            </button>
          </>
        );
      }
      case 'run':
        return (
          <button
            type="button"
            className="button"
            onClick={() => void cancelImport().catch((caught: unknown) => toastError(`Could not cancel the import: ${errorMessage(caught)}`))}
            disabled={state.cancelling}
            data-testid="import-cancel"
          >
            {state.cancelling ? 'Cancelling…' : 'Cancel import'}
          </button>
        );
      case 'result':
        return (
          <>
            <button type="button" className="button" onClick={startOver} data-testid="import-again">
              Import another file
            </button>
            <button type="button" className="button button-primary" onClick={onClose} data-testid="import-done" data-autofocus>
              Done
            </button>
          </>
        );
    }
  }
}

function FileStep({ reading, error, onPick }: { reading: boolean; error: string | null; onPick: (file: File) => void }) {
  return (
    <div className="import-pick">
      <label className={`drop-zone${error ? ' drop-zone-invalid' : ''}`}>
        <Icon name="file" className="drop-zone-icon" />
        <span className="drop-zone-title">{reading ? 'Reading the file…' : 'Choose a .csv file'}</span>
        <span className="field-hint">
          One row per person, with at least a phone number. At most {formatBytes(PEOPLE_LIMITS.csvBytesMax)} and{' '}
          {PEOPLE_LIMITS.csvRowsMax.toLocaleString('en-GB')} rows.
        </span>
        <span className="button button-primary button-small drop-zone-button" aria-hidden="true">
          Choose file
        </span>
        <input
          type="file"
          className="file-input"
          accept=".csv,text/csv"
          aria-label="CSV file to import"
          aria-invalid={error ? true : undefined}
          disabled={reading}
          data-testid="import-file-input"
          onChange={(event) => {
            const file = event.target.files?.[0];
            // Reset so picking the same file again (after fixing it) fires a change.
            event.target.value = '';
            if (file) onPick(file);
          }}
          data-autofocus
        />
      </label>
      {error ? (
        <p className="form-error" role="alert" data-testid="import-file-error">
          {error}
        </p>
      ) : null}
      <p className="muted small">
        Tip: in Excel use <strong>File › Save As › CSV UTF-8</strong>. Columns can be in any order; you match them in the next step.
      </p>
    </div>
  );
}

/** The core names the field at fault: the phone column, an attribute, or the file itself. */
function errorsFromServer(error: unknown): MappingErrors {
  const message = errorMessage(error);
  if (error instanceof ApiCallError && error.field) {
    if (error.field.startsWith('mapping.phone')) return { phone: message };
    if (error.field.startsWith('mapping.name')) return { name: message };
    if (error.field.startsWith('mapping.attributes')) return { attributes: message };
    if (error.field === 'sequenceId') return { sequence: message };
  }
  return { form: `The import did not run, nothing was changed: ${message}` };
}

function announceInBackground(result: ImportResult): void {
  if (result.status === 'cancelled') toastSuccess('Import cancelled. Nothing from the file was imported.');
  else toastSuccess(`The import had already finished: ${result.created + result.updated} contacts imported.`);
}
