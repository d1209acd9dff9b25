/**
 * What the tray shows for the engine's state (`engine.status`): which image, the tooltip, and the
 * status line of its menu. Pure. The image says the most pressing thing first:
 *
 *   channel-down  a linked channel is down (WhatsApp dropped, the gateway unreachable); one never
 *                 linked is not an outage (shell-settings.ts);
 *   attention     something waits for the owner: deliveries with an unknown outcome to review,
 *                 a streak of failed sends, or due messages that cannot go out until they act
 *                 (a sequence without a channel);
 *   paused        the owner paused sending;
 *   sending       all is well: sending, or waiting for the next message's time.
 */
import { DateTime } from 'luxon';
import type { EngineStatus } from '../../shared/domain';

export const TRAY_STATES = ['sending', 'paused', 'channel-down', 'attention'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

export interface TrayStatus {
  state: TrayState;
  tooltip: string;
  /** "Next send 14:05 · 12 sent today". */
  statusLine: string;
  /** The engine's own words ("Waiting for the sending hours."), for the menu where tooltips do not show (Linux). */
  detail: string;
  paused: boolean;
  unknownDeliveries: number;
}

export interface TrayStatusContext {
  now: number;
  /** The zone and locale times are shown in; default the machine's. */
  timeZone?: string;
  locale?: string;
  /** A streak of failed sends was noticed (alert-rules.ts). */
  failing: boolean;
  /** Whether a channel has been linked (only those can be "down"). */
  isLinked: (channel: string) => boolean;
}

/** Windows cuts tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127;
const APP_NAME = 'Sequence Automation';

function linkedDown(status: EngineStatus, isLinked: (channel: string) => boolean): EngineStatus['channels'] {
  return status.channels.filter((channel) => channel.state === 'down' && isLinked(channel.channel));
}

export function trayState(status: EngineStatus, failing: boolean, isLinked: (channel: string) => boolean): TrayState {
  if (linkedDown(status, isLinked).length > 0) return 'channel-down';
  if (status.unknownDeliveries > 0 || failing || status.state === 'waiting-for-channel') return 'attention';
  if (status.pausedByOwner) return 'paused';
  return 'sending';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function when(at: number, context: TrayStatusContext): string {
  if (at <= context.now) return 'now';
  const zone = context.timeZone ?? 'system';
  const time = DateTime.fromMillis(at, { zone }).setLocale(context.locale ?? Intl.DateTimeFormat().resolvedOptions().locale);
  const now = DateTime.fromMillis(context.now, { zone });
  if (time.hasSame(now, 'day')) return time.toLocaleString(DateTime.TIME_SIMPLE);
  return time.toLocaleString({ weekday: 'short', hour: 'numeric', minute: '2-digit' });
}

export function describeTray(status: EngineStatus | null, context: TrayStatusContext): TrayStatus {
  if (status === null) {
    return { state: 'sending', tooltip: `${APP_NAME}: starting…`, statusLine: 'Starting…', detail: '', paused: false, unknownDeliveries: 0 };
  }
  const sent = `${status.sentToday} sent today`;
  let first: string;
  if (status.pausedByOwner) first = 'Sending paused';
  else if (status.nextSendAt !== null) first = `Next send ${when(status.nextSendAt, context)}`;
  else first = 'Nothing scheduled';
  const down = linkedDown(status, context.isLinked);
  const downWords = down.map((channel) => channel.reason ?? `${channelName(channel.channel)} is down.`).join(' ');
  const detail = [downWords, status.detail].filter((part) => part !== '').join(' ');
  return {
    state: trayState(status, context.failing, context.isLinked),
    tooltip: truncate(`${APP_NAME}: ${detail}`, TOOLTIP_MAX),
    statusLine: `${first} · ${sent}`,
    detail: truncate(detail, 90),
    paused: status.pausedByOwner,
    unknownDeliveries: status.unknownDeliveries,
  };
}

export function channelName(channel: string): string {
  switch (channel) {
    case 'whatsapp':
      return 'WhatsApp';
    case 'sms':
      return 'The SMS gateway';
    default:
      return 'Test mode';
  }
}
