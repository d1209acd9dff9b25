/**
 * The ordered messages of a sequence. Drag by the order number (sortablejs) or use the Move up /
 * Move down buttons; either way `onMove(from, to)` reports the new place and the store persists it.
 *
 * Sortable moves DOM nodes itself, which React does not expect: on drop we put the node back where
 * React left it and let the state change re-render the list in the new order.
 */
import { useEffect, useRef } from 'react';
import Sortable from 'sortablejs';
import type { Message } from '../../../../shared/domain';
import { describeDelay } from '../../../../shared/delay-summary';
import { Icon } from '../../components/Icon';
import { Switch } from '../../components/Switch';
import { MEDIA_KIND_ICONS } from './media-icons';

interface MessageListProps {
  messages: Message[];
  /** The sequence may send by SMS, which carries text only: rows with an attachment say so. */
  smsDropsMedia: 'always' | 'sometimes' | null;
  onMove: (from: number, to: number) => void;
  onToggle: (message: Message, enabled: boolean) => void;
  onEdit: (message: Message) => void;
  onDelete: (message: Message) => void;
}

export function MessageList({ messages, smsDropsMedia, onMove, onToggle, onEdit, onDelete }: MessageListProps) {
  const listRef = useRef<HTMLOListElement>(null);
  const onMoveRef = useRef(onMove);

  useEffect(() => {
    onMoveRef.current = onMove;
  });

  useEffect(() => {
    const list = listRef.current;
    if (!list) return;
    const sortable = Sortable.create(list, {
      handle: '[data-drag-handle]',
      animation: 150,
      ghostClass: 'message-ghost',
      chosenClass: 'message-chosen',
      onEnd: (event) => {
        const { oldIndex, newIndex, item, from } = event;
        if (oldIndex === undefined || newIndex === undefined || oldIndex === newIndex) return;
        // Undo Sortable's DOM move; React re-renders the list from the new order.
        from.removeChild(item);
        from.insertBefore(item, from.children[oldIndex] ?? null);
        onMoveRef.current(oldIndex, newIndex);
      },
    });
    return () => sortable.destroy();
  }, []);

  // Until the first enabled message, a delay counts from subscribing (disabled ones are skipped).
  const firstEnabled = messages.findIndex((message) => message.enabled);
  const rows = messages.map((message, index) => ({ message, isFirst: firstEnabled === -1 || index <= firstEnabled }));

  return (
    <ol className="message-list" ref={listRef} aria-label="Messages, in sending order">
      {rows.map(({ message, isFirst }, index) => (
        <li
          key={message.id}
          className={`message-row${message.enabled ? '' : ' message-row-off'}`}
          data-testid="message-row"
          data-message-name={message.name}
          data-message-id={message.id}
          data-enabled={message.enabled}
        >
          <span className="message-handle" data-drag-handle data-testid="message-handle" title="Drag to change the order">
            <Icon name="grip" className="message-grip" />
            <span className="message-position">{index + 1}</span>
          </span>

          <div className="message-main">
            <div className="message-name-line">
              <span className="message-name">{message.name}</span>
              {message.enabled ? null : <span className="badge">Off — skipped</span>}
            </div>
            <div className="message-meta">
              <span className="meta-item" data-testid="message-delay">
                <Icon name="clock" />
                {describeDelay(message, isFirst)}
              </span>
              {message.media ? (
                <span className="meta-item" title={message.media.fileName}>
                  <Icon name={MEDIA_KIND_ICONS[message.media.kind]} />
                  <span className="meta-file" data-testid="message-row-media">
                    {message.media.fileName}
                  </span>
                </span>
              ) : null}
              {message.media && smsDropsMedia !== null ? (
                <span
                  className="meta-item meta-warning"
                  title={
                    smsDropsMedia === 'always'
                      ? 'SMS carries text only: the attachment is not sent (this sequence sends by SMS).'
                      : 'SMS carries text only: the attachment is not sent when this message goes by SMS instead of WhatsApp.'
                  }
                  data-testid="message-sms-media-warning"
                >
                  <Icon name="alert" />
                  Attachment not sent by SMS
                </span>
              ) : null}
            </div>
            {message.body ? <p className="message-snippet">{message.body}</p> : null}
          </div>

          <span className="message-sent" data-testid="message-sent-count">
            Sent {message.sentCount.toLocaleString('en-GB')} {message.sentCount === 1 ? 'time' : 'times'}
          </span>

          <Switch
            checked={message.enabled}
            label={`Send “${message.name}”`}
            text={message.enabled ? 'On' : 'Off'}
            onChange={(enabled) => onToggle(message, enabled)}
            testId="message-toggle"
          />

          <div className="message-actions">
            <button
              type="button"
              className="icon-button"
              aria-label={`Move “${message.name}” up`}
              title="Move up"
              disabled={index === 0}
              onClick={() => onMove(index, index - 1)}
              data-testid="message-move-up"
            >
              <Icon name="up" />
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label={`Move “${message.name}” down`}
              title="Move down"
              disabled={index === messages.length - 1}
              onClick={() => onMove(index, index + 1)}
              data-testid="message-move-down"
            >
              <Icon name="down" />
            </button>
            <button type="button" className="icon-button" aria-label={`Edit “${message.name}”`} title="Edit" onClick={() => onEdit(message)} data-testid="message-edit">
              <Icon name="edit" />
            </button>
            <button
              type="button"
              className="icon-button icon-button-danger"
              aria-label={`Delete “${message.name}”`}
              title="Delete"
              onClick={() => onDelete(message)}
              data-testid="message-delete"
            >
              <Icon name="trash" />
            </button>
          </div>
        </li>
      ))}
    </ol>
  );
}
