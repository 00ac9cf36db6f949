// Who may call what (issue 15), at the core's boundary: the role table covers every method,
// the dispatcher refuses a lower role with the method's sentence and writes the refusal (and
// every action) to the audit log with secrets removed, a revoked token stops at once, and
// tokens are stored as salted hashes matched in constant time. Over the real host's socket:
// tests/integration/roles-host.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApi, type Dispatch } from '../../main/api/index.ts'
import {
  MAX_AUDIT_ENTRIES,
  MAX_SUMMARY,
  listAudit,
  recordAudit,
  summarizeArguments,
} from '../../main/access/audit.ts'
import {
  activeTokens,
  createStoredToken,
  matchToken,
  revokeStoredToken,
} from '../../main/access/tokens.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import {
  ACCESS_ADMIN_ONLY_MESSAGE,
  ADMIN_ONLY_MESSAGE,
  ALERT_ACTION_REMOTE_MESSAGE,
  EXPORT_ADMIN_ONLY_MESSAGE,
  MASKED_SECRET,
  METHOD_ROLES,
  PRESETS_ANALYST_MESSAGE,
  ROLES,
  RULES_ADMIN_ONLY_MESSAGE,
  TOKEN_REVOKED_MESSAGE,
  methodNames,
  refusalFor,
  roleAllows,
  type ApiResult,
  type Caller,
  type CreatedToken,
} from '../../shared/api/index.ts'

let db: Store
let api: Dispatch
const clock = Date.parse('2026-11-30T10:00:00Z')

beforeEach(() => {
  db = openStore(':memory:')
  api = createApi({
    db,
    clock: () => new Date(clock),
    version: 'test',
    isDemo: () => false,
    sources: () => [],
  })
})
afterEach(() => db.close())

const viewer: Caller = { role: 'viewer', actor: 'wall-1' }
const analyst: Caller = { role: 'analyst', actor: 'analyst-laptop' }
const audit = () => listAudit(db, { limit: 500 }).entries

describe('the role table', () => {
  it('names a role for every method of the contract, and nothing else', () => {
    expect(Object.keys(METHOD_ROLES).sort()).toEqual([...methodNames].sort())
    for (const role of Object.values(METHOD_ROLES)) expect(ROLES).toContain(role)
  })

  it('orders the roles: each may do what the ones before it may', () => {
    expect(roleAllows('admin', 'viewer')).toBe(true)
    expect(roleAllows('admin', 'analyst')).toBe(true)
    expect(roleAllows('analyst', 'viewer')).toBe(true)
    expect(roleAllows('analyst', 'admin')).toBe(false)
    expect(roleAllows('viewer', 'analyst')).toBe(false)
  })

  it('gives reads to viewers, presets and alert actions to analysts, the rest to admins', () => {
    expect(METHOD_ROLES['kpis.dashboard']).toBe('viewer')
    expect(METHOD_ROLES['presets.list']).toBe('viewer')
    expect(METHOD_ROLES['presets.save']).toBe('analyst')
    expect(METHOD_ROLES['alerts.silence']).toBe('analyst')
    for (const m of ['export.start', 'maintenance.start', 'rules.save', 'tokens.create'] as const)
      expect(METHOD_ROLES[m]).toBe('admin')
  })

  it('refuses with one sentence per domain, each saying how to get the role', () => {
    expect(refusalFor('maintenance.start')).toBe(ADMIN_ONLY_MESSAGE)
    expect(refusalFor('export.cancel')).toBe(EXPORT_ADMIN_ONLY_MESSAGE)
    expect(refusalFor('rules.delete')).toBe(RULES_ADMIN_ONLY_MESSAGE)
    expect(refusalFor('alerts.acknowledge')).toBe(ALERT_ACTION_REMOTE_MESSAGE)
    expect(refusalFor('presets.rename')).toBe(PRESETS_ANALYST_MESSAGE)
    expect(refusalFor('tokens.revoke')).toBe(ACCESS_ADMIN_ONLY_MESSAGE)
    for (const m of methodNames.filter((n) => METHOD_ROLES[n] !== 'viewer'))
      expect(refusalFor(m), m).toMatch(new RegExp(`needs? the ${METHOD_ROLES[m]} role: `))
  })
})

describe('the dispatcher', () => {
  it('refuses every method above the caller’s role, typed, and logs each refusal', async () => {
    for (const caller of [viewer, analyst]) {
      for (const method of methodNames) {
        const allowed = roleAllows(caller.role, METHOD_ROLES[method])
        if (allowed) continue
        expect(await api(method, {}, caller), `${caller.role} ${method}`).toEqual({
          ok: false,
          error: { code: 'forbidden', message: refusalFor(method) },
        })
      }
    }
    const refused = audit()
    expect(refused.every((e) => e.outcome === 'forbidden')).toBe(true)
    expect(refused.filter((e) => e.role === 'viewer').length).toBe(
      methodNames.filter((m) => METHOD_ROLES[m] !== 'viewer').length,
    )
    expect(refused.filter((e) => e.role === 'analyst').length).toBe(
      methodNames.filter((m) => METHOD_ROLES[m] === 'admin').length,
    )
  })

  it('lets the desktop user (no caller given) do everything, and logs its actions', async () => {
    const created = await api('tokens.create', { name: 'wall-1', role: 'viewer' })
    expect(created.ok).toBe(true)
    const [entry] = audit()
    expect(entry).toMatchObject({
      role: 'admin',
      actor: 'desktop',
      method: 'tokens.create',
      outcome: 'ok',
      summary: '{"name":"wall-1","role":"viewer"}',
    })
    // The secret answered once is in no entry.
    const { secret } = (created as { value: CreatedToken }).value
    expect(JSON.stringify(audit())).not.toContain(secret)
  })

  it('does not log viewer reads or the admin’s own polling, but logs a failed action', async () => {
    await api('app.status', {}, viewer)
    await api('tokens.list', {})
    await api('audit.list', {})
    expect(audit()).toEqual([])
    await api('tokens.revoke', { name: 'nobody' })
    expect(audit()).toMatchObject([
      { method: 'tokens.revoke', outcome: 'error', message: 'There is no token named “nobody”.' },
    ])
  })

  it('refuses a caller it cannot read, and a token revoked after its screen opened', async () => {
    expect(await api('app.status', {}, { role: 'root', actor: 'x' })).toMatchObject({
      error: { code: 'forbidden' },
    })
    const { token } = createStoredToken(db, 'analyst-1', 'analyst', clock)
    const screen: Caller = { role: 'analyst', actor: 'analyst-1', tokenId: token.id }
    expect((await api('presets.list', {}, screen)).ok).toBe(true)
    // A role the host claims beyond the token's is not believed: the table's role counts.
    expect(
      await api('maintenance.start', { action: 'compact' }, { ...screen, role: 'admin' }),
    ).toMatchObject({ error: { code: 'forbidden', message: ADMIN_ONLY_MESSAGE } })
    revokeStoredToken(db, { id: token.id }, clock + 1)
    expect(await api('app.status', {}, screen)).toEqual({
      ok: false,
      error: { code: 'forbidden', message: TOKEN_REVOKED_MESSAGE },
    })
    expect(audit()[0]).toMatchObject({ outcome: 'forbidden', message: TOKEN_REVOKED_MESSAGE })
  })

  it('notes a token’s last use on its calls, at most once a minute', async () => {
    const { token } = createStoredToken(db, 'wall-2', 'viewer', clock)
    const screen: Caller = { role: 'viewer', actor: 'wall-2', tokenId: token.id }
    await api('app.status', {}, screen)
    const used = (await api('tokens.list', {})) as ApiResult<{ lastUsedAt: string | null }[]>
    expect(used.ok && used.value[0]?.lastUsedAt).toBe(new Date(clock).toISOString())
  })
})

describe('tokens', () => {
  it('keep a salted hash, never the secret; a name is unique among those in use', () => {
    const a = createStoredToken(db, 'Wall 1', 'viewer', clock)
    const b = createStoredToken(db, 'Wall 2', 'viewer', clock)
    expect(a.secret).not.toBe(b.secret)
    expect(a.secret.length).toBeGreaterThanOrEqual(43)
    const rows = db.prepare('SELECT * FROM tokens').all()
    expect(JSON.stringify(rows)).not.toContain(a.secret)
    const [ra, rb] = activeTokens(db)
    expect(ra?.salt).not.toBe(rb?.salt)
    expect(() => createStoredToken(db, 'wall 1', 'admin', clock)).toThrow(/already in use/)
    revokeStoredToken(db, { name: 'WALL 1' }, clock)
    expect(createStoredToken(db, 'wall 1', 'admin', clock).token.role).toBe('admin')
    expect(() => revokeStoredToken(db, { id: a.token.id }, clock)).toThrow(/already revoked/)
  })

  it('match exactly the secret, and nothing near it', () => {
    const { secret, token } = createStoredToken(db, 'wall', 'analyst', clock)
    const tokens = activeTokens(db)
    expect(matchToken(tokens, secret)?.id).toBe(token.id)
    for (const near of [
      secret.slice(0, -1),
      `${secret}x`,
      secret.toUpperCase(),
      '',
      ' '.repeat(43),
      `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`,
    ])
      expect(matchToken(tokens, near)).toBeNull()
  })
})

describe('the audit log', () => {
  it('keeps the newest MAX_AUDIT_ENTRIES entries, and pages newest first', () => {
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MAX_AUDIT_ENTRIES + 999})
      INSERT INTO audit_log (id, at, role, actor, method, summary, outcome) SELECT i, i, 'viewer', 'w', 'm', '{}', 'forbidden' FROM n`)
    recordAudit(db, { at: 1, caller: viewer, method: 'x', input: {}, outcome: 'forbidden' })
    const { n, first } = db
      .prepare('SELECT count(*) AS n, min(id) AS first FROM audit_log')
      .get() as {
      n: number
      first: number
    }
    expect(n).toBe(MAX_AUDIT_ENTRIES)
    expect(first).toBe(1001)
    const page = listAudit(db, { limit: 3 })
    expect(page.entries.map((e) => e.id)).toEqual([
      MAX_AUDIT_ENTRIES + 1000,
      MAX_AUDIT_ENTRIES + 999,
      MAX_AUDIT_ENTRIES + 998,
    ])
    expect(listAudit(db, { limit: 2, before: page.next ?? 0 }).entries.map((e) => e.id)).toEqual([
      MAX_AUDIT_ENTRIES + 997,
      MAX_AUDIT_ENTRIES + 996,
    ])
  })
})

describe('an audit summary', () => {
  it('replaces secrets under any key that names one, at any depth', () => {
    const text = summarizeArguments({
      name: 'ok',
      password: 'hunter2-pw',
      nested: { apiToken: 'tok-123456', list: [{ secretKey: 's3' }] },
      Authorization: 'Bearer xyz',
    })
    expect(text).not.toMatch(/hunter2|tok-123456|s3"|Bearer/)
    expect(text.split(MASKED_SECRET).length - 1).toBe(4)
    expect(text).toContain('"name":"ok"')
  })

  it('cuts long strings, long arrays and deep objects, and stays bounded', () => {
    const svg = `<svg>${'x'.repeat(100_000)}</svg>`
    const deep = JSON.parse(`${'{"a":'.repeat(50)}1${'}'.repeat(50)}`) as unknown
    const text = summarizeArguments({ charts: Array(100).fill(svg), deep })
    expect(text.length).toBeLessThanOrEqual(MAX_SUMMARY + 1)
    expect(text).toContain('characters)')
  })
})
