/** The message as the customer will see it: a chat bubble with the attachment, filled from a sample contact. */
import { useMemo } from 'react';
import { renderTemplate, templateValues } from '../../../../shared/template';
import type { Media } from '../../../../shared/domain';
import { Icon } from '../../components/Icon';
import { formatBytes } from '../../lib/format';
import { MEDIA_KIND_ICONS } from './media-icons';
import { SAMPLE_CONTACT } from './sample-contact';

const KIND_LABEL: Record<Media['kind'], string> = { image: 'Photo', video: 'Video', audio: 'Audio', document: 'Document' };

const SAMPLE_VALUES = templateValues({ ...SAMPLE_CONTACT, attributes: { ...SAMPLE_CONTACT.attributes } });

interface MessagePreviewProps {
  body: string;
  media: Media | null;
  /** A local object URL of the attached image, when the owner just picked it. */
  imageUrl?: string | null;
}

export function MessagePreview({ body, media, imageUrl = null }: MessagePreviewProps) {
  const text = useMemo(() => renderTemplate(body, SAMPLE_VALUES), [body]);
  const isEmpty = text.trim() === '' && media === null;

  return (
    <section className="preview" aria-labelledby="preview-title">
      <h3 id="preview-title" className="preview-title">
        Preview
      </h3>
      <p className="preview-sample">
        Sample contact: {SAMPLE_CONTACT.name} · {SAMPLE_CONTACT.phone} · car: {SAMPLE_CONTACT.attributes.car}
      </p>
      <div className="chat">
        <div className={`bubble${isEmpty ? ' bubble-empty' : ''}`} data-testid="message-preview">
          {media && imageUrl ? <img className="bubble-image" src={imageUrl} alt={media.fileName} /> : null}
          {media && !imageUrl ? (
            <div className="bubble-attachment">
              <span className="bubble-attachment-icon">
                <Icon name={MEDIA_KIND_ICONS[media.kind]} />
              </span>
              <span className="bubble-attachment-text">
                <span className="bubble-attachment-name">{media.fileName}</span>
                <span className="bubble-attachment-meta">
                  {KIND_LABEL[media.kind]} · {formatBytes(media.sizeBytes)}
                </span>
              </span>
            </div>
          ) : null}
          {isEmpty ? <span className="muted">Your message will appear here.</span> : text ? <p className="bubble-text">{text}</p> : null}
        </div>
      </div>
    </section>
  );
}
