/** Top level: picks the page for the route and wires push events to the stores. */
import { useEffect, useState } from 'react';
import { connectionMode, onAuthRejected } from './api';
import { AppFrame } from './components/AppFrame';
import { TokenScreen } from './components/TokenScreen';
import { forgetToken } from './session-token';
import { useRoute } from './router';
import { startDataSync } from './stores/data-sync';
import { useSettings } from './stores/settings';
import { SequencesPage } from './pages/sequences/SequencesPage';
import { SequenceEditorPage } from './pages/editor/SequenceEditorPage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { SubscribersPage } from './pages/subscribers/SubscribersPage';
import { ContactsPage } from './pages/contacts/ContactsPage';
import { ActivityPage } from './pages/activity/ActivityPage';
import { InboxPage } from './pages/inbox/InboxPage';
import { startWhatsAppSync } from './stores/whatsapp';

export function App() {
  const [mode] = useState(connectionMode);
  if (mode === 'needs-token') return <TokenScreen reason="missing" />;
  return <ConnectedApp />;
}

function ConnectedApp() {
  const route = useRoute();
  const [rejected, setRejected] = useState(false);

  useEffect(
    () =>
      onAuthRejected(() => {
        forgetToken();
        setRejected(true);
      }),
    [],
  );

  useEffect(() => startDataSync(), []);
  // The WhatsApp state shows in the status bar, the editor and Settings: followed from the start.
  useEffect(() => startWhatsAppSync(), []);

  useEffect(() => {
    // The business time zone is needed on several pages; load it once up front. The store keeps
    // any failure for the settings page to show.
    void useSettings.getState().load();
  }, []);

  if (rejected) return <TokenScreen reason="rejected" />;

  return (
    <AppFrame route={route}>
      {route.page === 'sequences' ? <SequencesPage /> : null}
      {route.page === 'sequence' ? <SequenceEditorPage key={route.id} id={route.id} /> : null}
      {route.page === 'subscribers' ? <SubscribersPage key={route.sequenceId} sequenceId={route.sequenceId} /> : null}
      {route.page === 'contacts' ? <ContactsPage /> : null}
      {route.page === 'activity' ? <ActivityPage status={route.status} /> : null}
      {route.page === 'inbox' ? <InboxPage /> : null}
      {route.page === 'settings' ? <SettingsPage section={route.section} /> : null}
    </AppFrame>
  );
}
