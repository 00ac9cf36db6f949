import type { SystemHealth } from '../../../shared/api/index.ts'
import { DataTable, type Column } from '../components/data-table.tsx'
import { KpiCard } from '../components/kpi-card.tsx'
import { MaintenancePanel } from '../components/maintenance-panel.tsx'
import { NoData, Panel } from '../components/panel.tsx'
import { currentErrors } from '../lib/current-errors.ts'
import { formatBytes, formatDateTime, formatDuration } from '../lib/format.ts'
import '../styles/health.css'
import type { ViewProps } from './view-props.ts'

const stateTone: Record<string, string> = {
  live: 'pill-good',
  syncing: 'pill-neutral',
  stale: 'pill-warn',
  offline: 'pill-warn',
  error: 'pill-bad',
}

type Source = SystemHealth['sources'][number]

/** The source's own last good sync where it says one; the cache's record of it otherwise. */
const lastGood = (s: Source): string | null => s.lastGoodSyncAt ?? s.lastSuccessAt

/** Long text kept inside its cell: one line with an ellipsis, the whole of it on hover. */
function Clipped({ text }: { text: string }) {
  return (
    <span className="cell-clip" title={text}>
      {text}
    </span>
  )
}

const SOURCE_COLUMNS: readonly Column<Source>[] = [
  { id: 'source', header: 'Source', cell: (s) => s.name, sortValue: (s) => s.name },
  {
    id: 'state',
    header: 'State',
    cell: (s) =>
      s.generated === true ? (
        <span className="pill pill-neutral">generated</span>
      ) : (
        <span className={`pill ${stateTone[s.state] ?? 'pill-neutral'}`}>{s.state}</span>
      ),
    sortValue: (s) => s.state,
  },
  {
    id: 'last-success',
    header: 'Last good sync',
    cell: (s) => {
      const at = lastGood(s)
      if (at === null) return <span className="muted">never</span>
      return s.generated === true ? `data as of ${formatDateTime(at)}` : formatDateTime(at)
    },
    sortValue: (s) => lastGood(s),
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
    cell: (s) => {
      // Each fact once: an offline source's message is its last error too.
      const lastError = s.lastError && s.lastError !== s.message ? s.lastError : null
      const text = [
        s.approximate ? 'approximate feed (no change log)' : null,
        s.message ?? (s.since === null ? null : `since ${formatDateTime(s.since)}`),
        lastError === null ? null : `last error: ${lastError}`,
      ]
        .filter((t): t is string => t !== null && t !== '')
        .join(' · ')
      return <Clipped text={text} />
    },
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
      <Panel title="Current errors">
        <CurrentErrors health={h} />
      </Panel>
      <Panel title="Maintenance" testId="health-maintenance">
        <MaintenancePanel />
      </Panel>
    </>
  )
}

function CurrentErrors({ health }: { health: SystemHealth | null }) {
  if (health === null) return null
  const errors = currentErrors(health)
  if (errors.length === 0)
    return <NoData testId="health-no-errors">No source is failing now</NoData>
  return (
    <ul className="list health-errors" data-testid="health-errors">
      {errors.map((e) => (
        <li key={e.message} data-testid="health-error">
          <strong>{e.table === null ? e.source : `${e.source} · ${e.table}`}</strong>{' '}
          <span className="cell-bad">{e.message}</span>
        </li>
      ))}
    </ul>
  )
}
