/**
 * Generated data for the benchmarks: a shop's customer list as a CSV export, with names that repeat
 * (so a search finds a realistic share of rows) and phone numbers written the way people type them.
 */
const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Elif', 'Finn', 'Greta', 'Hannes', 'Ida', 'Jonas', 'Katrin', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul'];
const LAST = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Yılmaz', 'Nowak'];
const CITIES = ['Berlin', 'Hamburg', 'München', 'Köln', 'Frankfurt', 'Leipzig'];

/** A German mobile number, unique per i, written in one of three common ways. */
export function benchPhone(i: number): string {
  const subscriber = String(10_000_000 + i).padStart(8, '0');
  switch (i % 3) {
    case 0:
      return `+49 151 ${subscriber}`;
    case 1:
      return `0151 ${subscriber.slice(0, 4)} ${subscriber.slice(4)}`;
    default:
      return `+49151${subscriber}`;
  }
}

/** `count` contacts: name, phone and two attributes, with a header row; semicolon-free, comma-separated. */
export function contactsCsv(count: number): string {
  const lines = ['Name,Phone,City,Customer number'];
  for (let i = 0; i < count; i++) {
    const name = `${FIRST[i % FIRST.length] ?? ''} ${LAST[Math.floor(i / FIRST.length) % LAST.length] ?? ''}`;
    lines.push(`"${name}",${benchPhone(i)},${CITIES[i % CITIES.length] ?? ''},K-${100000 + i}`);
  }
  return lines.join('\r\n') + '\r\n';
}
