/** A search field with its icon and a clear button; the page debounces what it sends to the core. */
import { Icon } from './Icon';

interface SearchBoxProps {
  value: string;
  onChange: (value: string) => void;
  label: string;
  placeholder: string;
  testId: string;
}

export function SearchBox({ value, onChange, label, placeholder, testId }: SearchBoxProps) {
  return (
    <div className="search-box">
      <Icon name="search" className="search-icon" />
      <input
        type="search"
        className="input search-input"
        aria-label={label}
        placeholder={placeholder}
        value={value}
        maxLength={100}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && value !== '') {
            // Clear the search, not close a surrounding dialog.
            event.preventDefault();
            onChange('');
          }
        }}
        data-testid={testId}
      />
    </div>
  );
}
