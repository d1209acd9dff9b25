/**
 * `#/inbox`: what customers wrote to the shop (WhatsApp and SMS), newest first, and what the app
 * did with each message — "Subscribed to Car enquiry", "Opted out (STOP) — confirmation sent by SMS",
 * "Stopped Car enquiry (replied)", "Nothing: …". Paged and virtualised like the activity log,
 * searchable, and refreshed (throttled) as messages come in.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { TableName } from '../../../../shared/contract';
import type { InboundMessage } from '../../../../shared/domain';
import { subscribe } from '../../api';
import { markAppReady } from '../../app-ready';
import { Dialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { SearchBox } from '../../components/SearchBox';
import { VirtualTable, VirtualTableSkeleton, type RowProps, type VirtualColumn } from '../../components/VirtualTable';
import { CHANNEL_LABELS } from '../../lib/delivery-labels';
import { plural } from '../../lib/format';
import { describeActions, summariseActions } from '../../lib/inbound-actions';
import { senderDetail, senderName } from '../../lib/inbound-sender';
import { timeIn } from '../../lib/people-format';
import { throttle } from '../../lib/throttle';
import { useDebounced } from '../../lib/use-debounced';
import { useNow } from '../../lib/use-now';
import { hrefFor } from '../../router';
import { useInboxList, type InboxQuery } from '../../stores/inbox';
import { useSettings } from '../../stores/settings';
import { readableZone } from '../settings/TimeZonePicker';

const SEARCH_DEBOUNCE_MS = 250;
const LIVE_REFRESH_MS = 1000;
/** Tables whose changes show in the rows: the messages, and the names they carry. */
const SHOWN_TABLES: readonly TableName[] = ['inbound_messages', 'contacts', 'sequences'];
const ROW_HEIGHT = 64;

const COLUMNS: readonly VirtualColumn<never>[] = [
  { key: 'when', label: 'When', width: '150px' },
  { key: 'from', label: 'From', width: '20%' },
  { key: 'text', label: 'Message' },
  { key: 'did', label: 'What it did', width: '32%' },
];

const PROVIDER_LABELS: Record<InboundMessage['provider'], string> = {
  whatsapp: 'WhatsApp',
  smsgate: 'SMS (SMSGate)',
  twilio: 'SMS (Twilio)',
  test: 'Test',
};

export function InboxPage() {
  const { status, error, total, pages } = useInboxList();
  const timeZone = useSettings((state) => state.settings?.timeZone ?? null);
  const [search, setSearch] = useState('');
  const [opened, setOpened] = useState<InboundMessage | null>(null);
  const nowMs = useNow();
  const debouncedSearch = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);
  const query = useMemo<InboxQuery>(() => ({ search: debouncedSearch }), [debouncedSearch]);

  useEffect(() => {
    useInboxList.getState().setQuery(query);
  }, [query]);

  useEffect(() => {
    const refresh = throttle(() => void useInboxList.getState().refresh(), LIVE_REFRESH_MS);
    const stop = subscribe('data.changed', ({ tables }) => {
      if (tables.some((table) => SHOWN_TABLES.includes(table))) refresh();
    });
    return () => {
      stop();
      refresh.cancel();
      useInboxList.getState().reset();
    };
  }, []);

  useEffect(() => {
    if (status !== 'loading') markAppReady();
  }, [status]);

  const onRangeChange = useCallback((first: number, last: number) => useInboxList.getState().ensureRange(first, last), []);

  const renderRow = useCallback(
    (message: InboundMessage, _index: number, rowProps: RowProps) => {
      const detail = senderDetail(message);
      const lines = describeActions(message);
      return (
        <tr
          key={message.id}
          {...rowProps}
          className={`clickable-row${opened?.id === message.id ? ' row-selected' : ''}`}
          onClick={(event) => {
            if (!(event.target instanceof HTMLElement && event.target.closest('button'))) setOpened(message);
          }}
          data-testid="inbox-row"
          data-inbound-id={message.id}
          data-channel={message.channel}
        >
          <td className="cell-time">
            <div className="cell-line">{timeIn(message.receivedAt, timeZone, nowMs) ?? '—'}</div>
            <div className={`row-sub delivery-channel delivery-channel-${message.channel}`} data-testid="inbox-channel">
              {CHANNEL_LABELS[message.channel]}
            </div>
          </td>
          <td className="cell-person">
            <button type="button" className="row-link" onClick={() => setOpened(message)} data-testid="inbox-from">
              {senderName(message)}
            </button>
            {detail ? <div className="row-sub mono-sub">{detail}</div> : null}
          </td>
          <td>
            <div className="inbox-text" title={message.body} data-testid="inbox-text">
              {message.body || <span className="muted">(no text)</span>}
            </div>
          </td>
          <td>
            <ul className="inbox-actions" title={summariseActions(message)} data-testid="inbox-actions">
              {lines.map((line, i) => (
                <li key={i} className={`inbox-action inbox-action-${line.tone}`} data-testid="inbox-action" data-kind={line.kind}>
                  {line.text}
                </li>
              ))}
            </ul>
          </td>
        </tr>
      );
    },
    [timeZone, nowMs, opened],
  );

  const filtered = debouncedSearch !== '';

  return (
    <div className="page page-fill">
      <PageHeader title="Inbox" subtitle="What customers wrote to the shop on WhatsApp or by SMS, and what the app did with each message." />

      <section className="card list-card" aria-label="Inbox">
        <div className="list-toolbar">
          <SearchBox value={search} onChange={setSearch} label="Search the inbox" placeholder="Name, number, text" testId="inbox-search" />
          <p className="list-count" aria-live="polite" data-testid="inbox-total">
            {status === 'ready' ? (filtered ? plural(total, 'match', 'matches') : plural(total, 'message', 'messages')) : ''}
          </p>
        </div>

        {status === 'loading' ? <VirtualTableSkeleton columns={4} label="Loading the inbox" /> : null}
        {status === 'error' ? (
          <div className="list-message">
            <ErrorState title="The inbox could not be loaded" message={error ?? ''} onRetry={() => useInboxList.getState().retry()} />
          </div>
        ) : null}
        {status === 'ready' && total === 0 && !filtered ? (
          <EmptyState
            icon="inbox"
            title="No messages from customers yet"
            action={
              <a className="button" href={hrefFor({ page: 'settings', section: 'channels' })} data-testid="inbox-setup-link">
                Set up the channels
              </a>
            }
          >
            <p>
              When a customer writes to the shop’s WhatsApp — or texts your SMS gateway, with “Receiving SMS” on — the message shows here,
              with what the app did: subscribed them to your auto-subscription sequences, opted them out when they wrote STOP, or stopped a
              sequence because they replied.
            </p>
            <p>
              Choose the sequences new customers join in{' '}
              <a href={hrefFor({ page: 'settings', section: 'auto-subscription' })}>Settings → Sequence Auto Subscription</a>.
            </p>
          </EmptyState>
        ) : null}
        {status === 'ready' && total === 0 && filtered ? (
          <EmptyState
            icon="search"
            title="No messages match"
            action={
              <button type="button" className="button" onClick={() => setSearch('')} data-testid="inbox-clear-search">
                Clear the search
              </button>
            }
          >
            <p>Try a shorter search, or part of the number.</p>
          </EmptyState>
        ) : null}
        {status === 'ready' && total > 0 ? (
          <VirtualTable
            label="Messages from customers, newest first"
            columns={COLUMNS}
            total={total}
            pages={pages}
            rowHeight={ROW_HEIGHT}
            renderRow={renderRow}
            onRangeChange={onRangeChange}
            resetKey={JSON.stringify(query)}
            testId="inbox-table"
          />
        ) : null}
      </section>

      {opened ? <InboundDetail message={opened} timeZone={timeZone} nowMs={nowMs} onClose={() => setOpened(null)} /> : null}
    </div>
  );
}

function InboundDetail({ message, timeZone, nowMs, onClose }: { message: InboundMessage; timeZone: string | null; nowMs: number; onClose: () => void }) {
  return (
    <Dialog title={senderName(message)} subtitle={`${PROVIDER_LABELS[message.provider]} · ${timeIn(message.receivedAt, timeZone, nowMs) ?? ''}`} onClose={onClose} size="side" testId="inbox-detail">
      <div className="detail">
        <section className="detail-section" aria-labelledby="inbox-text-title">
          <h3 id="inbox-text-title" className="detail-title">
            Message
          </h3>
          <div className="chat delivery-chat">
            <div className={`bubble bubble-in${message.body ? '' : ' bubble-empty'}`}>
              <p className="bubble-text" data-testid="inbox-detail-text">
                {message.body || 'No text'}
              </p>
            </div>
          </div>
        </section>
        <section className="detail-section" aria-labelledby="inbox-did-title">
          <h3 id="inbox-did-title" className="detail-title">
            What it did
          </h3>
          <ul className="inbox-actions inbox-actions-full" data-testid="inbox-detail-actions">
            {describeActions(message).map((line, i) => (
              <li key={i} className={`inbox-action inbox-action-${line.tone}`} data-kind={line.kind}>
                {line.text}
              </li>
            ))}
          </ul>
        </section>
        <section className="detail-section" aria-labelledby="inbox-from-title">
          <h3 id="inbox-from-title" className="detail-title">
            From
          </h3>
          <dl className="facts detail-facts">
            <dt>Name</dt>
            <dd>{message.contactName?.trim() || <span className="muted">No name</span>}</dd>
            <dt>Number</dt>
            <dd>{message.fromPhone ?? <span className="muted">Not shared (WhatsApp privacy)</span>}</dd>
            {message.fromWhatsappId ? (
              <>
                <dt>WhatsApp id</dt>
                <dd>
                  <code>{message.fromWhatsappId}</code>
                </dd>
              </>
            ) : null}
            <dt>Came by</dt>
            <dd>{PROVIDER_LABELS[message.provider]}</dd>
          </dl>
          {timeZone ? <p className="timeline-notes">Times are in {readableZone(timeZone)}.</p> : null}
        </section>
      </div>
    </Dialog>
  );
}
