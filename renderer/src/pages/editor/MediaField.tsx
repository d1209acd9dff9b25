/**
 * The attachment of a message: pick a file, check its size here (a readable answer before a 16 MB
 * upload), send it to `media.add` as base64, and show what is attached with a way to remove it.
 */
import { useId, useState } from 'react';
import { LIMITS } from '../../../../shared/contract';
import type { Media } from '../../../../shared/domain';
import { call, errorMessage } from '../../api';
import { Icon } from '../../components/Icon';
import { bytesToBase64 } from '../../lib/base64';
import { formatBytes } from '../../lib/format';
import { MEDIA_KIND_ICONS } from './media-icons';

export const MEDIA_ACCEPT = [
  'image/*',
  'video/*',
  'audio/*',
  'application/pdf',
  '.pdf',
  '.doc',
  '.docx',
  '.xls',
  '.xlsx',
  '.ppt',
  '.pptx',
  '.odt',
  '.ods',
  '.odp',
  '.rtf',
  '.txt',
  '.csv',
].join(',');

const KIND_LABEL: Record<Media['kind'], string> = { image: 'Image', video: 'Video', audio: 'Audio', document: 'Document' };

interface MediaFieldProps {
  media: Media | null;
  /** `file` is the picked file, when there is one (for a local thumbnail). */
  onChange: (media: Media | null, file?: File) => void;
  /** Reports the upload running, so the form can hold its Save button. */
  onBusyChange: (busy: boolean) => void;
  /** An error for this field from the server's answer to Save. */
  error?: string | null;
}

/** Lets the browser paint the "Reading…" state before the (synchronous) encoding of a large file. */
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

export function MediaField({ media, onChange, onBusyChange, error }: MediaFieldProps) {
  const [uploading, setUploading] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const inputId = useId();
  const errorId = `${inputId}-error`;
  const shownError = localError ?? error ?? null;

  const upload = async (file: File) => {
    setLocalError(null);
    if (file.size > LIMITS.mediaBytesMax) {
      setLocalError(`“${file.name}” is ${formatBytes(file.size)}. Attachments can be at most 16 MB — try a smaller or compressed file.`);
      return;
    }
    if (file.size === 0) {
      setLocalError(`“${file.name}” is empty.`);
      return;
    }
    setUploading(file.name);
    onBusyChange(true);
    try {
      await nextFrame();
      const dataBase64 = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
      const added = await call('media.add', { fileName: file.name, dataBase64 });
      onChange(added, file);
    } catch (caught) {
      setLocalError(`Could not attach “${file.name}”: ${errorMessage(caught)}`);
    } finally {
      setUploading(null);
      onBusyChange(false);
    }
  };

  const picker = (label: string, primary: boolean) => (
    <label className={`button button-small file-button${primary ? '' : ' button-ghost'}`}>
      <Icon name="paperclip" />
      {label}
      <input
        id={inputId}
        type="file"
        className="file-input"
        accept={MEDIA_ACCEPT}
        aria-describedby={shownError ? errorId : undefined}
        data-testid="message-media-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          // Reset so picking the same file again (after fixing it) still fires a change.
          event.target.value = '';
          if (file) void upload(file);
        }}
      />
    </label>
  );

  return (
    <div className={`field${shownError ? ' field-invalid' : ''}`}>
      <span className="field-label">
        Attachment <span className="optional">(optional)</span>
      </span>
      {uploading ? (
        <div className="attachment attachment-busy" role="status">
          <span className="spinner" aria-hidden="true" />
          <span>Uploading “{uploading}”…</span>
          <span className="progress" aria-hidden="true">
            <span className="progress-bar" />
          </span>
        </div>
      ) : media ? (
        <div className="attachment">
          <span className="attachment-icon">
            <Icon name={MEDIA_KIND_ICONS[media.kind]} />
          </span>
          <span className="attachment-text">
            <span className="attachment-name" data-testid="message-media-name">
              {media.fileName}
            </span>
            <span className="attachment-meta" data-testid="message-media-kind">
              {KIND_LABEL[media.kind]} · {formatBytes(media.sizeBytes)}
            </span>
          </span>
          <span className="attachment-actions">
            {picker('Replace', false)}
            <button
              type="button"
              className="button button-small button-ghost button-ghost-danger"
              onClick={() => {
                setLocalError(null);
                onChange(null);
              }}
              data-testid="message-media-remove"
            >
              Remove
            </button>
          </span>
        </div>
      ) : (
        <div className="attachment-empty">
          {picker('Attach a file', true)}
          <span className="field-hint">Image, video, audio, PDF or document, up to 16 MB.</span>
        </div>
      )}
      {shownError ? (
        <p id={errorId} className="field-error" role="alert" data-testid="field-error" data-field="media">
          {shownError}
        </p>
      ) : null}
    </div>
  );
}
