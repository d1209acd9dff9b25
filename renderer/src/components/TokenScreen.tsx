/** Shown in a browser that has no access token: how to get in, in one sentence and one example. */
export function TokenScreen({ reason }: { reason: 'missing' | 'rejected' }) {
  return (
    <div className="token-screen">
      <div className="token-card" role="main" data-testid="token-screen">
        <h1 className="page-title">Open the link printed by the server</h1>
        {reason === 'rejected' ? (
          <p>This link is no longer valid — the server was probably restarted with a new token.</p>
        ) : (
          <p>This page needs the access key that the Sequence Automation server prints when it starts.</p>
        )}
        <p>Look in the window where the server is running for a line like this, and open that link:</p>
        <pre className="token-example">{window.location.origin}/#token=…</pre>
      </div>
    </div>
  );
}
