/**
 * The linked WhatsApp's state in words, with the tone its dot is drawn in: one reading for the
 * Settings card, the status bar and the editor's channel picker.
 */
import type { WhatsAppStatus } from '../../../shared/domain';
import type { Tone } from './delivery-labels';

export interface WhatsAppStateView {
  label: string;
  tone: Tone;
  /** Short, for the status bar and the picker: "WhatsApp: connected". */
  short: string;
}

export function whatsAppStateView(status: Pick<WhatsAppStatus, 'state' | 'loggedOutByPhone' | 'hasSession' | 'browser'>): WhatsAppStateView {
  switch (status.state) {
    case 'disconnected':
      if (status.loggedOutByPhone) return { label: 'Logged out by the phone', tone: 'danger', short: 'logged out' };
      return status.hasSession
        ? { label: 'Disconnected', tone: 'warning', short: 'disconnected' }
        : { label: 'Not linked', tone: 'neutral', short: 'not linked' };
    case 'starting':
      return { label: 'Starting…', tone: 'warning', short: 'starting' };
    case 'qr':
      return { label: 'Waiting for the QR code to be scanned', tone: 'warning', short: 'waiting for the QR scan' };
    case 'authenticating':
      return { label: 'Linking…', tone: 'warning', short: 'linking' };
    case 'ready':
      return { label: 'Connected', tone: 'success', short: 'connected' };
    case 'failed':
      return status.browser === null
        ? { label: 'No browser found', tone: 'danger', short: 'no browser found' }
        : { label: 'Not working', tone: 'danger', short: 'not working' };
  }
}

/** "+49 151 …" for the linked account: number and profile name as far as known. */
export function linkedAccountLabel(account: WhatsAppStatus['account']): string | null {
  if (account === null) return null;
  const parts = [account.name, account.phone].filter((part): part is string => part !== null && part.trim() !== '');
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** Whether Link makes sense now (nothing is running, or it failed). */
export function canLink(status: Pick<WhatsAppStatus, 'state'>): boolean {
  return status.state === 'disconnected' || status.state === 'failed';
}
