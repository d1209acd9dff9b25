/**
 * "Send test message" for one channel (Settings → WhatsApp / SMS): a number and a text, sent now,
 * outside any sequence, and the channel's answer in words next to it.
 */
import { useId, useState } from 'react';
import type { SendTestMessageResult } from '../../../../shared/domain';
import { ApiCallError, call, errorMessage } from '../../api';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';

const DEFAULT_TEXT = 'Test message from Sequence Automation';

type Outcome = { ok: boolean; message: string } | null;

export function TestMessageForm({ channel, disabledReason }: { channel: 'whatsapp' | 'sms'; disabledReason?: string | null }) {
  const [phone, setPhone] = useState('');
  const [text, setText] = useState(DEFAULT_TEXT);
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [textError, setTextError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const prefix = `${channel}-test`;

  const send = async () => {
    setOutcome(null);
    setPhoneError(phone.trim() === '' ? 'Enter the phone number to send the test to, e.g. your own.' : null);
    setTextError(text.trim() === '' ? 'Enter a message.' : null);
    if (phone.trim() === '' || text.trim() === '') return;
    setBusy(true);
    try {
      const result: SendTestMessageResult = await call('channels.sendTestMessage', { channel, phone: phone.trim(), text: text.trim() });
      setOutcome({ ok: result.ok, message: result.message });
    } catch (caught) {
      if (caught instanceof ApiCallError && caught.field === 'phone') setPhoneError(caught.message);
      else if (caught instanceof ApiCallError && caught.field === 'text') setTextError(caught.message);
      else setOutcome({ ok: false, message: errorMessage(caught) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="test-message"
      aria-labelledby={titleId}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) void send();
      }}
      data-testid={`${prefix}-form`}
    >
      <h3 id={titleId} className="sending-heading">
        Send a test message
      </h3>
      <div className="test-message-grid">
        <Field label="To" name="phone" error={phoneError} hint="A number in your default country, or with +country code.">
          <input
            className="input"
            type="tel"
            value={phone}
            onChange={(event) => setPhone(event.target.value)}
            placeholder="+49 151 1234567"
            autoComplete="off"
            maxLength={40}
            data-testid={`${prefix}-phone`}
          />
        </Field>
        <Field label="Text" name="text" error={textError}>
          <input className="input" value={text} onChange={(event) => setText(event.target.value)} maxLength={1000} data-testid={`${prefix}-text`} />
        </Field>
        <div className="test-message-send">
          <button
            type="submit"
            className="button"
            disabled={busy || Boolean(disabledReason)}
            title={disabledReason ?? undefined}
            data-testid={`${prefix}-send`}
          >
            <Icon name="send" />
            {busy ? 'Sending…' : 'Send test'}
          </button>
        </div>
      </div>
      {disabledReason ? <p className="muted small">{disabledReason}</p> : null}
      {outcome ? (
        <p
          className={outcome.ok ? 'notice test-message-result' : 'form-error test-message-result'}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid={`${prefix}-result`}
          data-ok={outcome.ok}
        >
          {outcome.message}
        </p>
      ) : null}
    </form>
  );
}
