/**
 * A searchable list of every IANA zone the runtime knows: type part of a city or region to narrow
 * the list, pick with arrows or the mouse. The chosen zone always stays in the list.
 */
import { useId, useMemo, useState } from 'react';

function allTimeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  // Some runtimes list only canonical names and leave out UTC; it is a fine choice for a business.
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

const ZONES = allTimeZones();

export function readableZone(zone: string): string {
  return zone.replace(/_/g, ' ').replace(/\//g, ' / ');
}

interface TimeZonePickerProps {
  value: string;
  onChange: (zone: string) => void;
  labelId: string;
  describedBy?: string;
}

export function TimeZonePicker({ value, onChange, labelId, describedBy }: TimeZonePickerProps) {
  const [query, setQuery] = useState('');
  const searchId = useId();

  const matches = useMemo(() => {
    const words = query.toLowerCase().replace(/[_/]/g, ' ').split(/\s+/).filter(Boolean);
    return ZONES.filter((zone) => {
      const haystack = zone.toLowerCase().replace(/[_/]/g, ' ');
      return words.every((word) => haystack.includes(word));
    });
  }, [query]);
  const shown = matches.includes(value) ? matches : [value, ...matches];

  return (
    <div className="tz-picker">
      <label htmlFor={searchId} className="visually-hidden">
        Search time zones
      </label>
      <input
        id={searchId}
        type="search"
        className="input"
        placeholder="Search, e.g. Berlin or New York"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          // Enter picks the first match, so typing a city and pressing Enter is enough.
          if (event.key === 'Enter') {
            event.preventDefault();
            const first = matches[0];
            if (first) onChange(first);
          }
        }}
        data-testid="timezone-search"
      />
      <select
        className="input tz-list"
        size={8}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-labelledby={labelId}
        aria-describedby={describedBy}
        data-testid="timezone-select"
      >
        {shown.map((zone) => (
          <option key={zone} value={zone}>
            {readableZone(zone)}
          </option>
        ))}
      </select>
      <p className="field-hint" aria-live="polite">
        {query.trim() === ''
          ? `${ZONES.length} zones`
          : matches.length === 0
            ? `No time zone matches “${query.trim()}”.`
            : `${matches.length} matching — press Enter to pick the first.`}
      </p>
    </div>
  );
}
