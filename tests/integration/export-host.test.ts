// Exports through a real `watchfloor serve` (the bin, its core in a child
// process) over the page's real socket: export.start answers at once and the
// job reports itself as export.progress; the finished file is downloaded from
// /exports/<id> with the page's cookie — and refused without it, from another
// origin, for an id nobody started, and to a LAN wall screen, which may not
// export at all. Cancel mid-export leaves no file; a third export at once is
// refused; export.start alone may carry megabytes of chart SVG.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  EXPORT_ADMIN_ONLY_MESSAGE,
  MAX_EXPORT_REQUEST_BYTES,
  MAX_REQUEST_BYTES,
  type ExportJob,
  type ExportStart,
} from '../../shared/api/index.ts'
import { startCli, type RunningCli } from '../support/cli.ts'
import { apiPage, value, type ApiPage } from '../support/api-page.ts'
import { callFrame, openApiSocket, pageCookie, type ApiSocket } from '../support/host-client.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const TOKEN = 'export-host-test-token-0123456789abcdef'
const temp = tempDir('watchfloor-export-host-')
const dbPath = join(temp.dir, 'cache.sqlite')
/** Where `serve` has its core keep finished exports (defaultExportsDir). */
const exportsDir = `${dbPath}-exports`
let serve: RunningCli
let port = 0
let local: Page
let cookie = ''

/** An IPv4 address of this machine other than loopback: a LAN client's way in. */
const lanAddress = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address

const localUrl = () => `http://127.0.0.1:${port}/`

/** One page's socket: replies by call id, export.progress events as they come. */
type Page = ApiPage<ExportJob>
const pageOn = (socket: ApiSocket): Page => apiPage<ExportJob>(socket, 'export.progress')

const ended = (p: Page, id: string) =>
  until(
    `export ${id} to end`,
    () => p.events.find((j) => j.id === id && j.state !== 'running'),
    120_000,
  )

/** The status of a GET with exactly these headers (fetch would send its own Host). */
function statusOf(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

const filesLeft = () => readdirSync(exportsDir).sort()

const small: ExportStart = {
  view: 'marketing',
  format: 'json',
  filters: {
    range: { preset: 'custom', from: '2026-10-01', to: '2026-11-30', timeZone: 'America/Detroit' },
    source: ['Google LSA'],
  },
}
/** Long enough to be cancelled: a hundred thousand leads into a workbook. */
const large: ExportStart = {
  view: 'overview',
  format: 'xlsx',
  filters: {
    range: { preset: 'custom', from: '2016-01-01', to: '2026-11-30', timeZone: 'America/Detroit' },
  },
}

beforeAll(async () => {
  const renderer = join(temp.dir, 'renderer')
  mkdirSync(renderer)
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Watchfloor</title>')
  serve = startCli(
    [
      'serve',
      '--port',
      '0',
      '--host',
      '0.0.0.0',
      '--token',
      TOKEN,
      '--db',
      dbPath,
      '--demo-leads',
      '100000',
    ],
    { WATCHFLOOR_RENDERER_DIR: renderer },
  )
  const line = await serve.waitFor(/open http:\/\/[^ \n]+:(\d+)\//, 180_000)
  port = Number(/:(\d+)\/$/.exec(line)?.[1])
  // The page is opened once with the token, which it trades for the session cookie.
  cookie = await pageCookie(`${localUrl()}?token=${TOKEN}`)
  local = pageOn(await openApiSocket(localUrl(), { cookie }))
}, 240_000)

afterAll(async () => {
  if (process.env.WATCHFLOOR_TEST_LOG) process.stderr.write(serve?.stderr() ?? '')
  local?.close()
  if (serve && serve.child.exitCode === null) {
    serve.child.kill('SIGTERM')
    await serve.exited
  }
  temp.cleanup()
})

describe('exports through the browser host', () => {
  it('answers at once, reports progress, and serves the file once to the page', async () => {
    const job = value(await local.call<ExportJob>('export.start', small))
    expect(job).toMatchObject({ state: 'running', view: 'marketing', format: 'json' })
    expect(job.fileName).toMatch(/^watchfloor-marketing-\d{4}-\d{2}-\d{2}\.json$/)
    const last = await ended(local, job.id)
    expect(last).toMatchObject({ state: 'done', phase: 'Done', error: null })
    expect(last.bytes).toBeGreaterThan(1000)
    expect(last.rowsDone).toBe(last.rowsTotal)
    const phases = local.events.filter((j) => j.id === job.id).map((j) => j.phase)
    expect(phases).toEqual(expect.arrayContaining(['Reading the cache', 'Writing Leads', 'Done']))
    expect(value(await local.call<ExportJob>('export.status', { id: job.id }))).toEqual(last)

    const url = `${localUrl()}exports/${job.id}`
    const response = await fetch(url, { headers: { cookie } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${job.fileName}"; filename*=UTF-8''${job.fileName}`,
    )
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const body = (await response.json()) as { view: string; filters: string[] }
    expect(body.view).toBe('marketing')
    expect(body.filters.join(' ')).toContain('Google LSA')
    expect(Number(response.headers.get('content-length'))).toBe(last.bytes)
    // Downloaded whole: the host's copy is gone, and a second fetch says so.
    await until('the download to be removed', () => (filesLeft().length === 0 ? true : undefined))
    const again = await fetch(url, { headers: { cookie } })
    expect(again.status).toBe(410)
    expect(await again.text()).toMatch(/already downloaded/)
  })

  it('refuses the download without the cookie, from another origin, and for an unknown id', async () => {
    const job = value(await local.call<ExportJob>('export.start', small))
    expect((await ended(local, job.id)).state).toBe('done')
    const url = `${localUrl()}exports/${job.id}`
    const bare = await fetch(url)
    expect(bare.status).toBe(401)
    expect(await bare.text()).toMatch(/downloads need its session/)
    const wrongCookie = await fetch(url, { headers: { cookie: 'wf_session=forged' } })
    expect(wrongCookie.status).toBe(401)
    const foreign = await fetch(url, { headers: { cookie, origin: 'http://evil.example' } })
    expect(foreign.status).toBe(403)
    // fetch sends its own Host; a rebinding page's request names its own domain.
    expect(await statusOf(`/exports/${job.id}`, { cookie, host: `evil.example:${port}` })).toBe(403)
    const unknown = await fetch(`${localUrl()}exports/00000000-0000-4000-8000-000000000000`, {
      headers: { cookie },
    })
    expect(unknown.status).toBe(404)
    expect(await unknown.text()).toMatch(/There is no export 00000000-/)
    const traversal = await fetch(`${localUrl()}exports/..%2F..%2Fcache.sqlite`, {
      headers: { cookie },
    })
    expect(traversal.status).toBe(404)
    // Refused every time, the file is still there for the page that may have it.
    expect(filesLeft()).toEqual([`${job.id}.json`])
    expect((await fetch(url, { headers: { cookie } })).status).toBe(200)
  })

  it('cancels mid-export leaving no file, and refuses a third export at once', async () => {
    const first = value(await local.call<ExportJob>('export.start', large))
    const second = value(await local.call<ExportJob>('export.start', large))
    const third = await local.call<ExportJob>('export.start', small)
    expect(third).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(third.ok ? '' : third.error.message).toMatch(
      /^2 exports are already running \(Excel workbook of overview and Excel workbook of overview\); wait for one to finish or cancel it, then export again\.$/,
    )
    // Mid-export: rows are going out, and the time left is told from the rate so far.
    await until('rows to go out', () =>
      local.events.find(
        (j) =>
          j.id === first.id && j.rowsDone > 0 && j.secondsLeft !== null && j.state === 'running',
      ),
    )
    const cancelling = value(await local.call<ExportJob>('export.cancel', { id: first.id }))
    expect(cancelling.phase).toBe('Cancelling')
    const cancelled = await ended(local, first.id)
    expect(cancelled).toMatchObject({ state: 'cancelled', phase: 'Cancelled', bytes: null })
    expect(cancelled.rowsDone).toBeLessThan(cancelled.rowsTotal)
    expect(readdirSync(exportsDir).filter((f) => f.includes(first.id))).toEqual([])

    value(await local.call<ExportJob>('export.cancel', { id: second.id }))
    expect((await ended(local, second.id)).state).toBe('cancelled')
    expect(readdirSync(exportsDir).filter((f) => f.endsWith('.part'))).toEqual([])
    expect(readdirSync(exportsDir).filter((f) => f.includes(second.id))).toEqual([])
    const unknown = await local.call('export.cancel', { id: 'no-such-export' })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'bad_request' } })
  })

  it('takes megabytes of chart SVG in export.start only; every other method keeps its limit', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg">${'<g/>'.repeat(262_144)}</svg>`
    expect(svg.length).toBeGreaterThan(1024 * 1024)
    const withChart = await local.call<ExportJob>('export.start', {
      ...small,
      chartImages: [{ title: 'Leads by day', svg }],
    })
    const job = value(withChart)
    expect((await ended(local, job.id)).state).toBe('done')

    // Just over export.start's limit (far above it, the socket's hard cap closes the socket).
    const charts = Array.from({ length: 4 }, (_, i) => ({
      title: `Chart ${i}`,
      svg: 'x'.repeat(2_000_000),
    }))
    const base = callFrame('oversize', 'export.start', { ...small, chartImages: charts })
    const rest = MAX_EXPORT_REQUEST_BYTES + 10_000 - Buffer.byteLength(base)
    charts.push({ title: 'Chart 4', svg: 'x'.repeat(rest) })
    const frame = callFrame('oversize', 'export.start', { ...small, chartImages: charts })
    expect(Buffer.byteLength(frame)).toBeGreaterThan(MAX_EXPORT_REQUEST_BYTES)
    expect(Buffer.byteLength(frame)).toBeLessThan(MAX_EXPORT_REQUEST_BYTES + 64 * 1024)
    expect(await local.raw('oversize', frame)).toEqual({
      ok: false,
      error: {
        code: 'payload_too_large',
        message: `export.start requests are limited to ${MAX_EXPORT_REQUEST_BYTES} bytes`,
      },
    })
    const padded = callFrame('padded', 'app.status', { padding: 'x'.repeat(100 * 1024) })
    expect(await local.raw('padded', padded)).toEqual({
      ok: false,
      error: {
        code: 'payload_too_large',
        message: `app.status requests are limited to ${MAX_REQUEST_BYTES} bytes`,
      },
    })
    expect(local.socket.closed()).toBe(false)
    expect(
      value(await local.call<{ leadCount: number }>('app.status', {})).leadCount,
    ).toBeGreaterThan(90_000)
  })

  it.skipIf(lanAddress === undefined)(
    'refuses exports and their downloads to a LAN wall screen with the admin sentence',
    async () => {
      const finished = value(await local.call<ExportJob>('export.start', small))
      expect((await ended(local, finished.id)).state).toBe('done')
      const lanUrl = `http://${lanAddress}:${port}/`
      const lanCookie = await pageCookie(`${lanUrl}?token=${TOKEN}`)
      const wall = pageOn(await openApiSocket(lanUrl, { cookie: lanCookie }))
      try {
        for (const [method, input] of [
          ['export.start', small],
          ['export.status', { id: finished.id }],
          ['export.cancel', { id: finished.id }],
        ] as const) {
          expect(await wall.call(method, input)).toEqual({
            ok: false,
            error: { code: 'forbidden', message: EXPORT_ADMIN_ONLY_MESSAGE },
          })
        }
        // The wall screen still reads its dashboards.
        expect(
          value(await wall.call<{ leadCount: number }>('app.status', {})).leadCount,
        ).toBeGreaterThan(90_000)
        const download = await fetch(`${lanUrl}exports/${finished.id}`, {
          headers: { cookie: lanCookie },
        })
        expect(download.status).toBe(403)
        expect((await download.text()).trim()).toBe(EXPORT_ADMIN_ONLY_MESSAGE)
      } finally {
        wall.close()
      }
    },
  )
})
