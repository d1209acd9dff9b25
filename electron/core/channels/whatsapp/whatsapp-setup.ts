/**
 * The shop's WhatsApp as the composition root builds it (app.ts): the session under
 * `<dataDir>/whatsapp-session`, the browser found from the settings, the real whatsapp-web.js
 * client unless a test wiring passes another factory, the channel on top — and the three API
 * use cases (`whatsapp.status`, `whatsapp.link`, `whatsapp.unlink`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WhatsAppSettings, WhatsAppStatus } from '../../../../shared/domain';
import type { Clock } from '../../clock';
import type { Timers } from '../../engine/timers';
import type { EventBus } from '../../events';
import type { Logger } from '../../logger';
import type { Store } from '../../store/store';
import { findBrowser, type BrowserLookup } from './browser-finder';
import type { WhatsAppClientFactory } from './whatsapp-client';
import { WhatsAppChannel } from './whatsapp-channel';
import { WHATSAPP_SESSION_DIR_NAME, WhatsAppConnection } from './whatsapp-connection';
import { wwebjsClientFactory } from './wwebjs-client';

export interface WhatsAppSetupDeps {
  dataDir: string;
  store: Store;
  events: EventBus;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  /** The WhatsApp settings as they are now (the browser path may change at any time). */
  settings: () => WhatsAppSettings;
  /** Default: whatsapp-web.js. */
  clientFactory?: WhatsAppClientFactory;
  /** Default: the path from the settings, else the usual install locations of this OS. */
  findBrowser?: () => BrowserLookup;
}

export interface WhatsAppSetup {
  readonly connection: WhatsAppConnection;
  readonly channel: WhatsAppChannel;
  status(): WhatsAppStatus;
  link(): Promise<WhatsAppStatus>;
  unlink(): Promise<WhatsAppStatus>;
  /** Reconnects a saved session (app start). */
  start(): void;
  /** Stops the client (app quit); resolves once its browser is gone. */
  close(): Promise<void>;
}

export function createWhatsApp(deps: WhatsAppSetupDeps): WhatsAppSetup {
  const { store, events, clock, timers, logger } = deps;
  const browser =
    deps.findBrowser ??
    ((): BrowserLookup => findBrowser({ configuredPath: deps.settings().browserPath, platform: process.platform, env: process.env, exists: existsSync }));
  const connection = new WhatsAppConnection({
    sessionDir: path.join(deps.dataDir, WHATSAPP_SESSION_DIR_NAME),
    clientFactory: deps.clientFactory ?? wwebjsClientFactory(logger),
    findBrowser: browser,
    events,
    clock,
    timers,
    logger,
  });
  const channel = new WhatsAppChannel({ connection, store, events, clock, logger });
  // The owner may set (or fix) the browser's path at any time: the status shows the result at once.
  const unsubscribe = events.on('data.changed', ({ tables }) => {
    if (tables.includes('settings')) connection.refreshBrowser();
  });
  return {
    connection,
    channel,
    status: () => connection.status(),
    link: () => connection.link(),
    unlink: () => connection.unlink(),
    start: () => connection.start(),
    close: () => {
      unsubscribe();
      channel.close();
      return connection.close();
    },
  };
}
