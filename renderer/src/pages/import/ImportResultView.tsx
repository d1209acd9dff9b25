/** What an import did: the counts, and the rows it skipped with their line numbers and reasons. */
import type { ImportResult } from '../../../../shared/domain';
import { Icon } from '../../components/Icon';
import { downloadText } from '../../lib/download';
import { plural } from '../../lib/format';

/** More than this many skipped rows are listed only in the downloadable report. */
const SHOWN_SKIPPED = 200;

export function ImportResultView({ result, fileName, sequenceName }: { result: ImportResult; fileName: string; sequenceName: string | null }) {
  if (result.status === 'cancelled') {
    return (
      <div className="import-result" data-testid="import-result" data-status="cancelled">
        <p className="notice">The import was cancelled. Nothing from “{fileName}” was imported; your contacts are as they were.</p>
      </div>
    );
  }

  const stats: Array<{ key: string; label: string; value: number; hint?: string }> = [
    { key: 'created', label: 'New contacts', value: result.created },
    { key: 'updated', label: 'Updated contacts', value: result.updated, hint: 'already in your contacts' },
    { key: 'merged', label: 'Merged duplicates', value: result.mergedDuplicates, hint: 'same number twice in the file' },
  ];
  if (sequenceName !== null) {
    stats.push({ key: 'subscribed', label: 'Subscribed', value: result.subscribed, hint: `to “${sequenceName}”` });
    stats.push({ key: 'already', label: 'Already subscribed', value: result.alreadySubscribed, hint: 'kept their place' });
  }
  stats.push({ key: 'skipped', label: 'Skipped', value: result.skipped.length, hint: 'see below' });

  const reportName = `${fileName.replace(/\.csv$/i, '')}-skipped-rows.csv`;

  return (
    <div className="import-result" data-testid="import-result" data-status="completed">
      <p className="import-summary">
        <Icon name="check" className="import-summary-icon" />
        Read {plural(result.totalRows, 'row', 'rows')} from “{fileName}”.
      </p>
      <dl className="stat-grid">
        {stats.map((stat) => (
          <div key={stat.key} className={`stat${stat.key === 'skipped' && stat.value > 0 ? ' stat-warning' : ''}`} data-testid={`import-stat-${stat.key}`}>
            <dt className="stat-label">{stat.label}</dt>
            <dd className="stat-value" data-testid="stat-value">
              {stat.value.toLocaleString('en-GB')}
            </dd>
            {stat.hint ? <dd className="stat-hint">{stat.hint}</dd> : null}
          </div>
        ))}
      </dl>

      {result.skipped.length > 0 ? (
        <section className="skipped" aria-labelledby="skipped-title">
          <div className="skipped-header">
            <h3 id="skipped-title" className="detail-title">
              Skipped rows
            </h3>
            <button
              type="button"
              className="button button-small"
              onClick={() => downloadText(reportName, result.errorReportCsv)}
              data-testid="import-error-report"
            >
              <Icon name="download" />
              Download error report
            </button>
          </div>
          <div className="skipped-wrap">
            <table className="table skipped-table">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Line
                  </th>
                  <th scope="col">Reason</th>
                  <th scope="col">Row in the file</th>
                </tr>
              </thead>
              <tbody>
                {result.skipped.slice(0, SHOWN_SKIPPED).map((row) => (
                  <tr key={row.line} data-testid="import-skipped-row" data-line={row.line}>
                    <td className="num">{row.line}</td>
                    <td>{row.reason}</td>
                    <td>
                      <code className="skipped-raw">{row.raw}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {result.skipped.length > SHOWN_SKIPPED ? (
            <p className="muted small">The first {SHOWN_SKIPPED} are shown; the error report lists all {result.skipped.length.toLocaleString('en-GB')}.</p>
          ) : (
            <p className="muted small">Correct these rows in your file and import it again: people already imported are updated, not added twice.</p>
          )}
        </section>
      ) : (
        <p className="muted">No rows were skipped.</p>
      )}
    </div>
  );
}
