/**
 * Settings → Your data: the backups (taken every day by themselves, and on demand), restoring one
 * (asked first: it replaces what is there now, keeping a copy of it), and the logs folder for
 * whoever helps the owner with a problem.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import type { Backup, BackupKind, RestoreResult } from '../../../../shared/contract';
import { call, errorMessage } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorState } from '../../components/ErrorState';
import { formatBytes, plural } from '../../lib/format';
import { toastError, toastSuccess } from '../../stores/toasts';

const KIND_LABELS: Record<BackupKind, string> = {
  daily: 'Daily',
  manual: 'Made by you',
  'before-restore': 'Before a restore',
};

type Load = { status: 'loading' } | { status: 'error'; error: string } | { status: 'ready'; backups: Backup[]; folder: string };

const when = (at: number): string => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function DataSafetySettings() {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [backingUp, setBackingUp] = useState(false);
  const [restoring, setRestoring] = useState<Backup | null>(null);
  const [logsPath, setLogsPath] = useState<string | null>(null);
  const backupsTitle = useId();
  const logsTitle = useId();

  const refresh = useCallback(() => {
    call('backups.list', {}).then(
      (list) => setLoad({ status: 'ready', ...list }),
      (caught: unknown) => setLoad({ status: 'error', error: errorMessage(caught) }),
    );
  }, []);

  useEffect(refresh, [refresh]);

  const backUpNow = async () => {
    setBackingUp(true);
    try {
      const backup = await call('backups.create', {});
      toastSuccess(`Backed up (${formatBytes(backup.sizeBytes)}).`);
      refresh();
    } catch (caught) {
      toastError(`Could not back up: ${errorMessage(caught)}`);
    } finally {
      setBackingUp(false);
    }
  };

  const openLogs = async () => {
    try {
      const folder = await call('app.openLogsFolder', {});
      setLogsPath(folder.opened ? null : folder.path);
    } catch (caught) {
      toastError(`Could not open the logs folder: ${errorMessage(caught)}`);
    }
  };

  return (
    <>
      <section className="card" aria-labelledby={backupsTitle} data-testid="settings-backups">
        <div className="card-heading-row">
          <div>
            <h2 id={backupsTitle} className="card-title">
              Backups
            </h2>
            <p className="card-text">
              The app backs up its data once a day by itself and keeps the last 7 days and 4 weeks. Attachments are kept apart and are
              never deleted, so every backup still has them.
            </p>
          </div>
          <button type="button" className="button" onClick={() => void backUpNow()} disabled={backingUp} data-testid="backup-now">
            {backingUp ? 'Backing up…' : 'Back up now'}
          </button>
        </div>
        {load.status === 'loading' ? <span className="skeleton skeleton-block" aria-busy="true" /> : null}
        {load.status === 'error' ? <ErrorState title="The backups could not be listed" message={load.error} onRetry={refresh} /> : null}
        {load.status === 'ready' ? (
          load.backups.length === 0 ? (
            <p className="card-text" data-testid="backups-empty">
              No backups yet. The first daily one is taken shortly after the app starts.
            </p>
          ) : (
            <>
              <table className="table" data-testid="backups-table">
                <thead>
                  <tr>
                    <th scope="col">Taken</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Size</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {load.backups.map((backup) => (
                    <tr key={backup.id} data-testid="backup-row" data-backup-id={backup.id} data-backup-kind={backup.kind}>
                      <td>{when(backup.createdAt)}</td>
                      <td>{KIND_LABELS[backup.kind]}</td>
                      <td>{formatBytes(backup.sizeBytes)}</td>
                      <td className="actions-col">
                        <button
                          type="button"
                          className="button button-small button-ghost"
                          onClick={() => setRestoring(backup)}
                          aria-label={`Restore the backup taken ${when(backup.createdAt)}`}
                          data-testid="backup-restore"
                        >
                          Restore…
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="card-text">
                Kept in <code data-testid="backups-folder">{load.folder}</code>
              </p>
            </>
          )
        ) : null}
      </section>

      <section className="card" aria-labelledby={logsTitle} data-testid="settings-logs">
        <div className="card-heading-row">
          <div>
            <h2 id={logsTitle} className="card-title">
              Logs
            </h2>
            <p className="card-text">What the app did and any problems it met, for whoever helps you find out why something went wrong.</p>
          </div>
          <button type="button" className="button" onClick={() => void openLogs()} data-testid="open-logs-folder">
            Open logs folder
          </button>
        </div>
        {logsPath !== null ? (
          <p className="card-text" data-testid="logs-folder">
            The log files are in <code>{logsPath}</code>
          </p>
        ) : null}
      </section>

      {restoring !== null ? (
        <ConfirmDialog
          title="Restore this backup?"
          confirmLabel="Restore backup"
          busyLabel="Restoring…"
          onClose={() => setRestoring(null)}
          onConfirm={async () => {
            const result = await call('backups.restore', { id: restoring.id });
            toastSuccess(restoredMessage(result));
            refresh();
          }}
        >
          <p>
            Your sequences, contacts, subscribers and settings go back to how they were on {when(restoring.createdAt)}. Everything changed since
            then is replaced; a copy of it is kept as a “Before a restore” backup, so you can go back.
          </p>
          <p>Messages that went out since the backup are not sent again.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

function restoredMessage(result: RestoreResult): string {
  const parts = [`Restored the backup of ${when(result.restored.createdAt)}.`];
  const { sent, inFlight } = result.carriedOver;
  if (sent + inFlight > 0) parts.push(`${plural(sent + inFlight, 'message', 'messages')} sent since then will not go out again.`);
  if (result.pausedSubscriptions > 0) {
    parts.push(`${plural(result.pausedSubscriptions, 'subscriber', 'subscribers')} removed since then came back paused.`);
  }
  if (result.sendingPaused) parts.push('Sending is paused: check the Activity page, then resume sending.');
  return parts.join(' ');
}
