import { describe, expect, it } from 'vitest';
import { DEFAULT_INBOUND } from '../services/settings-service';
import { matchKeyword } from './keywords';

const settings = { ...DEFAULT_INBOUND, stopKeywords: [...DEFAULT_INBOUND.stopKeywords, 'Abmelden', 'désabonner'] };

describe('matchKeyword', () => {
  it.each(['STOP', 'stop', ' Stop ', 'Stop!', 'stop.', 'STOP!!!', '«stop»', 'stop 🛑', '\n\tSTOP\n', 'Stöp', 'ÚNSUBSCRIBE', 'abmelden', 'DESABONNER', 'désabonner'])(
    '%j is a STOP',
    (text) => {
      expect(matchKeyword(text, settings)?.kind).toBe('stop');
    },
  );

  it.each(['stop please', 'please stop', 'st.op', 'stopp', 'don’t stop', '', '   ', '!!!', 'How much is it?'])('%j is not a keyword', (text) => {
    expect(matchKeyword(text, settings)).toBeNull();
  });

  it('names the keyword as the owner wrote it, and tells START apart', () => {
    expect(matchKeyword('end', settings)).toEqual({ kind: 'stop', keyword: 'END' });
    expect(matchKeyword('Start!', settings)).toEqual({ kind: 'start', keyword: 'START' });
  });

  it('reads runs of spaces as one, for keywords of several words', () => {
    const custom = { stopKeywords: ['stop all'], startKeywords: ['START'] };
    expect(matchKeyword('STOP   all', custom)?.kind).toBe('stop');
    expect(matchKeyword('stopall', custom)).toBeNull();
  });

  it('prefers STOP when a word is listed as both', () => {
    expect(matchKeyword('halt', { stopKeywords: ['HALT'], startKeywords: ['halt'] })?.kind).toBe('stop');
  });
});
