import type { SystemHealth } from '../../../shared/api/index.ts'
import { DataTable, type Column } from '../components/data-table.tsx'
import { KpiCard } from '../components/kpi-card.tsx'
import { NoData, Panel } from '../components/panel.tsx'
import { formatBytes, formatDateTime, formatDuration } from '../lib/format.ts'
import type { ViewProps } from './view-props.ts'

const stateTone: Record<string, string> = {
  live: 'pill-good',
  syncing: 'pill-neutral',
  stale: 'pill-warn',
  offline: 'pill-warn',
  error: 'pill-bad',
}

type Source = SystemHealth['sources'][number]

const SOURCE_COLUMNS: readonly Column<Source>[] = [
  { id: 'source', header: 'Source', cell: (s) => s.name, sortValue: (s) => s.name },
  {
    id: 'state',
    header: 'State',
    cell: (s) => <span className={`pill ${stateTone[s.state] ?? 'pill-neutral'}`}>{s.state}</span>,
    sortValue: (s) => s.state,
  },
  {
    id: 'last-success',
    header: 'Last good sync',
    cell: (s) =>
      s.lastSuccessAt === null ? (
        <span className="muted">never</span>
      ) : (
        formatDateTime(s.lastSuccessAt)
      ),
    sortValue: (s) => s.lastSuccessAt,
  },
  {
    id: 'lag',
    header: 'Sync lag',
    numeric: true,
    cell: (s) =>
      s.lagSeconds === null ? <span className="muted">—</span> : formatDuration(s.lagSeconds),
    sortValue: (s) => s.lagSeconds,
  },
  {
    id: 'rate',
    header: 'Throughput',
    numeric: true,
    cell: (s) =>
      s.rate ? (
        `${Math.round(s.rate.value).toLocaleString('en-US')} ${s.rate.unit}`
      ) : (
        <span className="muted">—</span>
      ),
    cellAttributes: () => ({ 'data-testid': 'health-source-rate' }),
  },
  {
    id: 'detail',
    header: 'Detail',
    cell: (s) => (
      <>
        {s.approximate ? 'approximate feed (no change log) · ' : ''}
        {s.message ?? (s.since === null ? '' : `since ${formatDateTime(s.since)}`)}
        {s.state !== 'error' && s.lastError ? ` · last error: ${s.lastError}` : ''}
      </>
    ),
  },
]

export function HealthView({ data }: ViewProps) {
  const h = data?.health ?? null
  const age = h?.dataAgeSeconds ?? null
  return (
    <>
      <section className="kpi-grid" aria-label="System health">
        <KpiCard
          testId="kpi-data-age"
          label="Data age"
          display={age === null ? null : formatDuration(Math.max(0, age))}
          raw={age}
          emptyText={h === null ? null : 'No data synced yet'}
          tone={age === null ? 'neutral' : age > 3600 ? 'warn' : 'good'}
          context={h?.asOf == null ? '\u00a0' : `newest change ${formatDateTime(h.asOf)}`}
        />
        <KpiCard
          testId="kpi-cache-size"
          label="Cache size"
          display={h?.cacheBytes == null ? null : formatBytes(h.cacheBytes)}
          raw={h?.cacheBytes ?? null}
          emptyText={h === null ? null : 'In memory'}
          context="SQLite file and its WAL"
        />
        <KpiCard
          testId="kpi-memory"
          label="Core memory"
          display={h === null ? null : formatBytes(h.memory.rssBytes)}
          raw={h?.memory.rssBytes ?? null}
          emptyText={null}
          context={h === null ? '\u00a0' : `${formatBytes(h.memory.heapUsedBytes)} JS heap`}
        />
        <KpiCard
          testId="kpi-free-disk"
          label="Free disk"
          display={h?.freeDiskBytes == null ? null : formatBytes(h.freeDiskBytes)}
          raw={h?.freeDiskBytes ?? null}
          emptyText={h === null ? null : 'Unknown'}
          tone={h?.freeDiskBytes == null ? 'neutral' : h.freeDiskBytes < 1024 ** 3 ? 'bad' : 'good'}
          context="where the cache lives"
        />
      </section>
      <Panel title="Sources" className="table-panel">
        {h !== null && h.sources.length === 0 ? (
          <NoData>No upstream sources configured: the cache is read as it is</NoData>
        ) : (
          <DataTable
            caption="Sources: state, last good sync, lag, throughput and detail"
            captionHidden
            columns={SOURCE_COLUMNS}
            rows={h?.sources ?? []}
            rowKey={(s) => s.name}
            rowAttributes={(s) => ({
              'data-testid': 'health-source',
              'data-source': s.name,
              'data-source-state': s.state,
            })}
            testId="health-sources"
          />
        )}
      </Panel>
      <Panel title="Recent errors">
        {h === null ? null : h.recentErrors.length === 0 ? (
          <NoData testId="health-no-errors">No sync errors recorded</NoData>
        ) : (
          <ul className="list" data-testid="health-errors">
            {h.recentErrors.map((e, i) => (
              <li key={i}>
                <strong>
                  {e.source} · {e.table}
                </strong>{' '}
                <span className="cell-bad">{e.message}</span>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </>
  )
}
