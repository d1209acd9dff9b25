/**
 * TEST SUPPORT — the real WhatsApp connection and channel over a ScriptedWhatsApp, on the clock,
 * timers, store and event bus a test already has (engine tests pass EngineWorld's). Not
 * imported by app code.
 *
 *   const wa = scriptedWhatsApp({ store, events, clock, timers, dir });
 *   await wa.linkAndScan();                 // QR, scanned, ready
 *   channels.add(wa.channel)                // or: new ChannelRegistry({ …, whatsapp: wa.channel })
 *   wa.sim.register('+4915100000001');
 *   wa.sim.drop(); … wa.sim.restore();
 */
import path from 'node:path';
import type { WhatsAppStatus } from '../../../../shared/domain';
import type { Clock } from '../../clock';
import type { Timers } from '../../engine/timers';
import type { EventBus } from '../../events';
import { silentLogger, type Logger } from '../../logger';
import type { Store } from '../../store/store';
import type { BrowserLookup } from './browser-finder';
import { ScriptedWhatsApp, type ScriptedWhatsAppOptions } from './scripted-whatsapp-client';
import { WHATSAPP_SESSION_DIR_NAME, WhatsAppConnection, type WhatsAppConnectionDeps } from './whatsapp-connection';
import { WhatsAppChannel } from './whatsapp-channel';

export const TEST_BROWSER: BrowserLookup = { found: true, path: '/usr/bin/chromium', source: 'found' };

export interface ScriptedWhatsAppSetup {
  readonly sim: ScriptedWhatsApp;
  readonly connection: WhatsAppConnection;
  readonly channel: WhatsAppChannel;
  readonly sessionDir: string;
  /** Links with a QR scan and resolves once ready. */
  linkAndScan(): Promise<void>;
  close(): Promise<void>;
}

export interface ScriptedWhatsAppSetupOptions {
  store: Store;
  events: EventBus;
  clock: Clock;
  timers: Timers;
  /** The data folder: the session goes to <dir>/whatsapp-session. */
  dir: string;
  logger?: Logger;
  /** An existing simulation (e.g. to restart the app against the same WhatsApp). */
  sim?: ScriptedWhatsApp;
  simOptions?: ScriptedWhatsAppOptions;
  connection?: Partial<Pick<WhatsAppConnectionDeps, 'readyTimeoutMs' | 'qrTimeoutMs' | 'backoffBaseMs' | 'backoffMaxMs' | 'findBrowser' | 'clientFactory'>>;
}

export function scriptedWhatsApp(options: ScriptedWhatsAppSetupOptions): ScriptedWhatsAppSetup {
  const { store, events, clock, timers } = options;
  const logger = options.logger ?? silentLogger;
  const sim = options.sim ?? new ScriptedWhatsApp({ clock, ...options.simOptions });
  const sessionDir = path.join(options.dir, WHATSAPP_SESSION_DIR_NAME);
  const connection = new WhatsAppConnection({
    sessionDir,
    clientFactory: sim.factory,
    findBrowser: () => TEST_BROWSER,
    events,
    clock,
    timers,
    logger,
    ...options.connection,
  });
  const channel = new WhatsAppChannel({ connection, store, events, clock, logger });
  return {
    sim,
    connection,
    channel,
    sessionDir,
    async linkAndScan() {
      await connection.link();
      sim.scan();
      await untilStatus(connection, (s) => s.state === 'ready');
    },
    async close() {
      channel.close();
      await connection.close();
    },
  };
}

/** Resolves with the connection's status once `predicate` holds (now or at a later change). */
export function untilStatus(connection: WhatsAppConnection, predicate: (status: WhatsAppStatus) => boolean): Promise<WhatsAppStatus> {
  const now = connection.status();
  if (predicate(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const unsubscribe = connection.onStatusChange((status) => {
      if (!predicate(status)) return;
      unsubscribe();
      resolve(status);
    });
  });
}
