/**
 * TEST SUPPORT shared by the two fake WhatsApp clients (scripted-whatsapp-client.ts in-process,
 * http-fake-whatsapp-client.ts over loopback HTTP): the typed event hub a client emits through,
 * and the stand-in for LocalAuth's saved session — a file under `<sessionDir>/session/`, where
 * LocalAuth keeps the browser profile — so "a saved session reconnects without a QR" and "unlink
 * deletes the session" behave as with the real library.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WhatsAppClientEvent, WhatsAppClientEvents } from './whatsapp-client';

export class ClientEventHub {
  private readonly listeners = new Map<WhatsAppClientEvent, Array<(...args: never[]) => void>>();

  on<E extends WhatsAppClientEvent>(event: E, listener: WhatsAppClientEvents[E]): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
  }

  emit<E extends WhatsAppClientEvent>(event: E, ...args: Parameters<WhatsAppClientEvents[E]>): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) (listener as (...a: Parameters<WhatsAppClientEvents[E]>) => void)(...args);
  }
}

/** Where a fake client keeps its "linked session" (inside LocalAuth's own session folder). */
export function fakeSessionFile(sessionDir: string): string {
  return path.join(sessionDir, 'session', 'fake-whatsapp-session.json');
}

export interface FakeSession {
  exists(): boolean;
  save(): void;
  clear(): void;
}

export function fileSession(sessionDir: string): FakeSession {
  const file = fakeSessionFile(sessionDir);
  return {
    exists: () => existsSync(file),
    save: () => {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ linked: true }));
    },
    clear: () => rmSync(path.dirname(file), { recursive: true, force: true }),
  };
}
