import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { takeTokenFromUrl, tokenFromHash } from './session-token';
import './styles.css';

// Before anything reads the hash as a route: lift the headless access token out of it.
takeTokenFromUrl();
// The owner may paste the server's link into a tab that is already open (only the hash changes):
// take the new token and start afresh with it.
window.addEventListener('hashchange', () => {
  if (tokenFromHash(window.location.hash) === null) return;
  takeTokenFromUrl();
  window.location.reload();
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
