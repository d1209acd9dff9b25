/**
 * When the desktop shell interrupts the owner with a native notification, and where its click
 * leads. Pure state machine fed with what the core reports; each rule says a thing once:
 *
 * - **Channel down**: a linked channel (one that has been ready before, shell-settings.ts) enters
 *   `down` — once per outage: not again until it has been `ready` in between (a channel flapping
 *   while unreachable does not notify on every probe). A channel never linked is not announced:
 *   a shop that does not use WhatsApp is not told it is down. Click → Settings.
 * - **Unknown deliveries**: the number of deliveries whose outcome is unknown grows (after a crash,
 *   recovery could not tell whether they went out). Resolving some lowers the mark, so a later new
 *   one notifies again. Click → Activity filtered on them.
 * - **A streak of failures**: the newest STREAK_LENGTH deliveries all failed (or are waiting for a
 *   retry after failing), all of them since the app started (an old streak is not news at every
 *   start). Once per streak: a delivery that goes out ends it. Click → Activity. While a streak
 *   lasts the tray shows "needs attention" (`failing`).
 */
import type { ChannelStatusInfo, Delivery, EngineStatus } from '../../shared/domain';
import { SHELL_ROUTES, type ShellRoute } from './routes';
import { channelName } from './tray-status';

export const STREAK_LENGTH = 3;

export interface Alert {
  title: string;
  body: string;
  route: ShellRoute;
}

const failedStatuses: ReadonlySet<Delivery['status']> = new Set(['failed', 'retrying']);

export class AlertRules {
  /** Channels already announced as down, until they are ready again. */
  private readonly announcedDown = new Set<string>();
  private unknownMark = 0;
  /** The newest deliveries are a streak of failures, already announced. */
  private inStreak = false;

  /** `startedAt`: when the app started; older deliveries make no streak. */
  constructor(
    private readonly startedAt: number,
    private readonly isLinked: (channel: string) => boolean,
  ) {}

  /** True while the newest deliveries are a streak of failures. */
  get failing(): boolean {
    return this.inStreak;
  }

  channel(info: ChannelStatusInfo): Alert[] {
    if (info.state === 'ready' || info.state === 'not-configured') {
      this.announcedDown.delete(info.channel);
      return [];
    }
    if (info.state !== 'down' || !this.isLinked(info.channel) || this.announcedDown.has(info.channel)) return [];
    this.announcedDown.add(info.channel);
    const name = channelName(info.channel);
    return [
      {
        title: `${name} is down`,
        body: `${info.reason ?? 'It cannot send right now.'} Messages wait and go out once it is back.`,
        route: SHELL_ROUTES.channels,
      },
    ];
  }

  engineStatus(status: EngineStatus): Alert[] {
    const alerts = status.channels.flatMap((info) => this.channel(info));
    const unknown = status.unknownDeliveries;
    if (unknown > this.unknownMark) {
      alerts.push({
        title: unknown === 1 ? '1 message needs your check' : `${unknown} messages need your check`,
        body: 'The app could not tell whether it went out. Open Activity to send it again or mark it as sent.',
        route: SHELL_ROUTES.unknownDeliveries,
      });
    }
    this.unknownMark = unknown;
    return alerts;
  }

  /** The newest deliveries, newest first (`deliveries.list`). */
  recentDeliveries(rows: readonly Delivery[]): Alert[] {
    const newest = rows.slice(0, STREAK_LENGTH);
    const streak = newest.length === STREAK_LENGTH && newest.every((row) => failedStatuses.has(row.status) && row.updatedAt >= this.startedAt);
    // A streak already announced that only grew says nothing new.
    const announce = streak && !this.inStreak;
    this.inStreak = streak;
    if (!announce) return [];
    const latest = newest[0]?.error;
    return [
      {
        title: `The last ${STREAK_LENGTH} messages could not be sent`,
        body: latest ? `Latest: ${latest}` : 'Open Activity to see why.',
        route: SHELL_ROUTES.activity,
      },
    ];
  }
}
