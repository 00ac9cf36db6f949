// The admin's settings (issue 15): tokens for screens over the network (a new one's secret shown
// once, with a copy button), the upstream connections with their passwords masked and "Test
// connection", and the audit log. Shown to an admin only; every call here is refused by the core
// to anyone else, whatever the page shows.
import { useId, useRef, useState, type FormEvent } from 'react'
import {
  ROLES,
  ROLE_TEXT,
  type AuditEntry,
  type ConnectionsTest,
  type CreatedToken,
  type Role,
} from '../../../shared/api/index.ts'
import { useApi, useApiClient } from '../api/client.ts'
import { useDismiss } from '../hooks/use-dismiss.ts'
import { useRole } from '../hooks/use-role.ts'
import '../styles/settings.css'

const TABS = ['tokens', 'connections', 'audit'] as const
type Tab = (typeof TABS)[number]
const TAB_LABEL: Readonly<Record<Tab, string>> = {
  tokens: 'Tokens',
  connections: 'Connections',
  audit: 'Audit log',
}

const when = (iso: string | null) =>
  iso === null ? '—' : new Date(iso).toLocaleString('en-GB', { hour12: false })

/** The header's Settings button and its panel; nothing at all for a viewer or an analyst. */
export function SettingsPanel() {
  const who = useRole()
  const [open, setOpen] = useState(false)
  const [tab, setTab] = useState<Tab>('tokens')
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const panelId = useId()
  useDismiss(open, root, (escape) => {
    setOpen(false)
    if (escape) button.current?.focus()
  })
  if (who?.role !== 'admin') return null
  return (
    <div className="settings-menu" ref={root}>
      <button
        type="button"
        ref={button}
        className="button"
        data-testid="settings-button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        Settings
      </button>
      {open && (
        <section
          id={panelId}
          className="settings-panel"
          data-testid="settings-panel"
          role="dialog"
          aria-label="Settings"
        >
          <div className="settings-tabs" role="tablist" aria-label="Settings">
            {TABS.map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                id={`${panelId}-tab-${t}`}
                aria-selected={tab === t}
                aria-controls={`${panelId}-body`}
                className="settings-tab"
                data-testid={`settings-tab-${t}`}
                onClick={() => setTab(t)}
              >
                {TAB_LABEL[t]}
              </button>
            ))}
          </div>
          <div
            id={`${panelId}-body`}
            role="tabpanel"
            aria-labelledby={`${panelId}-tab-${tab}`}
            className="settings-body"
          >
            {tab === 'tokens' ? <Tokens /> : tab === 'connections' ? <Connections /> : <Audit />}
          </div>
        </section>
      )}
    </div>
  )
}

function Tokens() {
  const client = useApiClient()
  const [version, setVersion] = useState(0)
  const list = useApi('tokens.list', {}, [version], { dashboards: [] })
  const [name, setName] = useState('')
  const [role, setRole] = useState<Role>('viewer')
  const [created, setCreated] = useState<CreatedToken | null>(null)
  const [copied, setCopied] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const act = (what: () => Promise<void>) => {
    setFailure(null)
    what()
      .catch((error: unknown) => setFailure((error as Error).message))
      .finally(() => setVersion((v) => v + 1))
  }
  const create = (event: FormEvent) => {
    event.preventDefault()
    act(async () => {
      setCopied(false)
      setCreated(await client.call('tokens.create', { name, role }))
      setName('')
    })
  }
  return (
    <div data-testid="settings-tokens" data-state={list.loading ? 'loading' : 'ready'}>
      <form className="settings-form" onSubmit={create}>
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={64}
            required
            placeholder="lobby wall"
            data-testid="token-name"
          />
        </label>
        <label>
          Role
          <select
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            data-testid="token-role"
          >
            {ROLES.map((r) => (
              <option key={r} value={r} title={ROLE_TEXT[r]}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button" data-testid="token-create">
          Create token
        </button>
      </form>
      {failure !== null && (
        <p className="settings-failure" role="alert" data-testid="settings-failure">
          {failure}
        </p>
      )}
      {created !== null && (
        <div className="settings-secret" data-testid="token-created">
          <p>
            Token “{created.token.name}” ({created.token.role}) created. Copy its secret now: it is
            not shown again. Open the screen once at its address with <code>?token=</code> and the
            secret.
          </p>
          <div className="settings-secret-row">
            <code data-testid="token-secret">{created.secret}</code>
            <button
              type="button"
              className="button button-small"
              data-testid="token-copy"
              onClick={() =>
                void navigator.clipboard
                  .writeText(created.secret)
                  .then(() => setCopied(true))
                  .catch(() => setFailure('The browser did not allow copying; select the text.'))
              }
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button
              type="button"
              className="button button-small"
              data-testid="token-secret-done"
              onClick={() => setCreated(null)}
            >
              Done
            </button>
          </div>
        </div>
      )}
      <table className="settings-table" data-testid="token-list">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">State</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((t) => (
            <tr
              key={t.id}
              data-testid="token-row"
              data-name={t.name}
              data-revoked={t.revokedAt !== null}
            >
              <td>{t.name}</td>
              <td>{t.role}</td>
              <td>{when(t.createdAt)}</td>
              <td>{when(t.lastUsedAt)}</td>
              <td>
                {t.revokedAt === null ? (
                  <button
                    type="button"
                    className="button button-small"
                    data-testid="token-revoke"
                    aria-label={`Revoke ${t.name}`}
                    onClick={() =>
                      act(async () => void (await client.call('tokens.revoke', { id: t.id })))
                    }
                  >
                    Revoke
                  </button>
                ) : (
                  `revoked ${when(t.revokedAt)}`
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.length === 0 && <p className="settings-note">No tokens yet.</p>}
    </div>
  )
}

function Connections() {
  const client = useApiClient()
  const status = useApi('connections.status', {}, [], { dashboards: [] })
  const [test, setTest] = useState<ConnectionsTest | null>(null)
  const [testing, setTesting] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const run = () => {
    setTesting(true)
    setFailure(null)
    client
      .call('connections.test', {})
      .then(setTest)
      .catch((error: unknown) => setFailure((error as Error).message))
      .finally(() => setTesting(false))
  }
  const data = status.data
  return (
    <div data-testid="settings-connections" data-state={status.loading ? 'loading' : 'ready'}>
      {data !== null && !data.configured && (
        <p className="settings-note">
          No upstream is configured: the cache holds demo data or is read as it is.
        </p>
      )}
      {data !== null && data.configured && (
        <table className="settings-table" data-testid="connection-list">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Host</th>
              <th scope="col">Port</th>
              <th scope="col">Database</th>
              <th scope="col">User</th>
              <th scope="col">Password</th>
            </tr>
          </thead>
          <tbody>
            {data.connections.flatMap((c) =>
              c.endpoints.map((e, i) => (
                <tr key={`${c.kind}-${i}`} data-testid="connection-row" data-kind={c.kind}>
                  <td>{c.kind}</td>
                  <td>{e.host}</td>
                  <td>{e.port ?? '—'}</td>
                  <td>{e.database ?? '—'}</td>
                  <td>{e.user ?? '—'}</td>
                  <td data-testid="connection-password">{e.password ?? 'not set'}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
      {data?.configured && (
        <button
          type="button"
          className="button"
          data-testid="connections-test"
          disabled={testing}
          onClick={run}
        >
          {testing ? 'Testing…' : 'Test connection'}
        </button>
      )}
      {failure !== null && (
        <p className="settings-failure" role="alert">
          {failure}
        </p>
      )}
      {test !== null && (
        <ul className="settings-results" data-testid="connection-results">
          {test.results.map((r) => (
            <li key={r.kind} data-ok={r.ok} data-testid="connection-result">
              <strong>{r.ok ? 'OK' : 'Failed'}</strong> {r.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function Audit() {
  // Older pages are asked for by the id the previous page ended at.
  const [before, setBefore] = useState<readonly number[]>([])
  const cursor = before[before.length - 1]
  const page = useApi(
    'audit.list',
    cursor === undefined ? { limit: 50 } : { limit: 50, before: cursor },
    [],
    {
      dashboards: [],
    },
  )
  const entries: readonly AuditEntry[] = page.data?.entries ?? []
  return (
    <div data-testid="settings-audit" data-state={page.loading ? 'loading' : 'ready'}>
      <table className="settings-table" data-testid="audit-list">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Call</th>
            <th scope="col">Outcome</th>
            <th scope="col">Arguments</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-row" data-outcome={e.outcome} data-method={e.method}>
              <td>{when(e.at)}</td>
              <td>
                {e.actor} ({e.role})
              </td>
              <td>{e.method}</td>
              <td title={e.message ?? undefined}>{e.outcome}</td>
              <td className="settings-summary">{e.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data !== null && entries.length === 0 && (
        <p className="settings-note">Nothing logged yet.</p>
      )}
      <div className="settings-pager">
        <button
          type="button"
          className="button button-small"
          disabled={before.length === 0}
          onClick={() => setBefore((b) => b.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="audit-older"
          disabled={page.data?.next == null}
          onClick={() => {
            const next = page.data?.next
            if (next != null) setBefore((b) => [...b, next])
          }}
        >
          Older
        </button>
      </div>
    </div>
  )
}
