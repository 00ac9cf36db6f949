// `watchfloor token create|list|revoke` through the real bin on a cache file (issue 15): a token
// made with a role prints its secret once and keeps only a salted hash; the list never shows a
// secret; revoke by id or name; bad names, roles and references refused with a sentence and no
// stack; each change in the audit log as the CLI's; and `serve` on the LAN with only stored
// tokens starts, a stored token opens its page and a revoked one is refused.
import { existsSync, readFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../main/store/index.ts'
import type { CreatedToken, TokenInfo } from '../../shared/api/index.ts'
import { runCli, startCli } from '../support/cli.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const temp = tempDir('watchfloor-cli-token-')
const db = join(temp.dir, 'cache.sqlite')
afterAll(() => temp.cleanup())

const lanAddress = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /)

describe('watchfloor token', () => {
  it('creates tokens with a role, lists them without secrets, and revokes by id or name', async () => {
    openStore(db).close()
    const made = await runCli([
      'token',
      'create',
      '--role',
      'analyst',
      '--name',
      'ops laptop',
      '--db',
      db,
    ])
    expect(made.code, made.stderr).toBe(0)
    const secret = made.stdout.trim()
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(made.stderr).toMatch(/only time its secret is shown/)

    const json = await runCli(['token', 'create', '--name', 'lobby', '--db', db, '--json'])
    const wall = JSON.parse(json.stdout) as CreatedToken
    expect(wall.token).toMatchObject({ name: 'lobby', role: 'viewer', revokedAt: null })

    // The file holds neither secret.
    // The file (and its write-ahead log, while one is left) holds neither secret.
    const bytes = [db, `${db}-wal`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('')
    expect(bytes).not.toContain(secret)
    expect(bytes).not.toContain(wall.secret)

    const listed = await runCli(['token', 'list', '--db', db])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/ops laptop\s+analyst/)
    expect(listed.stdout).toMatch(/lobby\s+viewer/)
    expect(listed.stdout).not.toContain(secret)

    expect((await runCli(['token', 'revoke', 'OPS LAPTOP', '--db', db])).stdout).toMatch(
      /Revoked token \d+ “ops laptop” \(analyst\)/,
    )
    expect((await runCli(['token', 'revoke', String(wall.token.id), '--db', db])).code).toBe(0)
    const after = JSON.parse(
      (await runCli(['token', 'list', '--db', db, '--json'])).stdout,
    ) as TokenInfo[]
    expect(after.every((t) => t.revokedAt !== null)).toBe(true)

    // Each change is the CLI's in the audit log, secrets nowhere.
    const read = new Database(db, { readonly: true })
    const log = read
      .prepare('SELECT actor, role, method, outcome, summary FROM audit_log ORDER BY id')
      .all()
    read.close()
    expect(log).toEqual([
      expect.objectContaining({
        actor: 'cli',
        role: 'admin',
        method: 'tokens.create',
        outcome: 'ok',
      }),
      expect.objectContaining({ method: 'tokens.create', outcome: 'ok' }),
      expect.objectContaining({ method: 'tokens.revoke', outcome: 'ok' }),
      expect.objectContaining({ method: 'tokens.revoke', outcome: 'ok' }),
    ])
    expect(JSON.stringify(log)).not.toContain(secret)
  })

  it('refuses bad names, roles, references and a missing cache with a sentence', async () => {
    const cases: [string[], RegExp][] = [
      [['token', 'create', '--name', '', '--db', db], /give the token a name/],
      [['token', 'create', '--name', '<script>', '--db', db], /letters, digits/],
      [
        ['token', 'create', '--name', 'x', '--role', 'root', '--db', db],
        /Allowed choices are viewer, analyst, admin/,
      ],
      [['token', 'create', '--name', 'lobby', '--db', db, '--role', 'viewer'], /./],
      [['token', 'revoke', 'nobody', '--db', db], /There is no token named “nobody”/],
      [['token', 'revoke', '99999', '--db', db], /There is no token with id 99999/],
      [['token', 'list', '--db', join(temp.dir, 'missing.sqlite')], /there is no cache at/],
    ]
    for (const [args, message] of cases) {
      const r = await runCli(args)
      // The fourth re-creates "lobby": its old one is revoked, so the name is free again.
      if (args.includes('lobby')) {
        expect(r.code, r.stderr).toBe(0)
        continue
      }
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr).toMatch(message)
      noStack(r.stderr)
    }
    const twice = await runCli(['token', 'create', '--name', 'LOBBY', '--db', db])
    expect(twice.code).toBe(1)
    expect(twice.stderr).toMatch(/already in use/)
  })

  it.runIf(lanAddress !== undefined)(
    'lets serve listen on the LAN with stored tokens only; a revoked one is refused',
    async () => {
      const made = await runCli(['token', 'create', '--name', 'wall 3', '--db', db])
      const secret = made.stdout.trim()
      const serve = startCli(['serve', '--host', '0.0.0.0', '--port', '0', '--no-demo', '--db', db])
      try {
        const line = await serve.waitFor(/open (http:\/\/\S+)/)
        const port = new URL(/open (http:\/\/[^\s?]+)/.exec(line)?.[1] ?? '').port
        const url = `http://${lanAddress}:${port}/`
        expect((await fetch(`${url}?token=${secret}`, { redirect: 'manual' })).status).toBe(303)
        expect((await runCli(['token', 'revoke', 'wall 3', '--db', db])).code).toBe(0)
        await until('the host to refuse the revoked token', async () =>
          (await fetch(`${url}?token=${secret}`, { redirect: 'manual' })).status === 401
            ? true
            : undefined,
        )
      } finally {
        serve.child.kill('SIGTERM')
      }
      expect((await serve.exited).code).toBe(0)
    },
  )
})
