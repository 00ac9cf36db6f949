// A hostile web page in a real Chromium tries to read Watchfloor (issue 10).
// The browser host is reachable by every page the user has open, so a page
// served from another local port opens the api socket, fetches the page and
// POST /session with credentials, frames the page and opens it in a window.
// Everything is asked from inside the attacker's page (page.evaluate runs
// there as its own scripts would) and what it managed to read is collected:
// nothing. The same socket code run from Watchfloor's own page reads data,
// so the attacks are real ones. The attacker page on 127.0.0.1 (another
// port) is the hardest case: ports do not separate cookies, and the two
// are the same site, so the browser attaches the session cookie to its
// requests and only the Origin check stands in the way.
//
// The raw-socket side (every header, no api call reaching the core) is
// tests/integration/host-security.test.ts.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page, Request } from '@playwright/test'
import { createToken } from '../../main/access/token-identity.ts'
import { DashboardsPage } from './dashboards-page.ts'
import { PAGE_NOW, demoCache, expect, serveCache, test } from './host-fixture.ts'

/** One attempt to read Watchfloor, as the page that made it saw it. */
interface Attempt {
  readonly what: string
  /** How it ended (for the failure message). */
  readonly outcome: string
  /** Everything of the answer the page could read: a body, socket messages, a document. */
  readonly read: string
}

type AttackKind = 'socket' | 'fetch' | 'frame'

/**
 * Runs inside a page (passed to page.evaluate, so it refers to nothing
 * outside itself): tries to read Watchfloor at `target` in the given ways.
 */
async function attack({
  target,
  kinds,
}: {
  target: string
  kinds: AttackKind[]
}): Promise<Attempt[]> {
  const attempts: Attempt[] = []
  const frame = (id: string, method: string, input: unknown) =>
    JSON.stringify({ t: 'q', i: id, m: 'invoke', a: [method, input] })
  const overview = {
    filters: { range: { preset: 'last30', timeZone: 'UTC' } },
    dashboards: ['leadResponse', 'trends', 'conversion'],
  }

  const socket = (url: string) =>
    new Promise<Attempt>((resolve) => {
      const what = `WebSocket ${url}: app.status and kpis.dashboard`
      const received: string[] = []
      let opened = false
      let ws: WebSocket
      try {
        ws = new WebSocket(url)
      } catch (error) {
        resolve({ what, outcome: `refused by the page: ${String(error)}`, read: '' })
        return
      }
      ws.onopen = () => {
        opened = true
        ws.send(frame('1', 'app.status', {}))
        ws.send(frame('2', 'kpis.dashboard', overview))
      }
      ws.onmessage = (message) => {
        received.push(String(message.data))
        if (received.filter((m) => m.includes('"t":"s"')).length === 2) {
          resolve({ what, outcome: 'opened and answered', read: received.join('\n') })
          ws.close()
        }
      }
      // A refused upgrade fires error (then close); a socket the page's own CSP
      // blocks fires only error.
      const ended = (how: string) =>
        resolve({
          what,
          outcome: `${opened ? 'opened' : 'never opened'}; ${how}`,
          read: received.join('\n'),
        })
      ws.onerror = () => ended('error')
      ws.onclose = (event) => ended(`closed with ${event.code}`)
    })

  const fetchAttempt = async (what: string, url: string, init: RequestInit): Promise<Attempt> => {
    try {
      const response = await fetch(url, init)
      const text = await response.text().catch(() => '')
      return {
        what,
        outcome: `${response.type} response, status ${response.status}`,
        read: text,
      }
    } catch (error) {
      return { what, outcome: `refused: ${String(error)}`, read: '' }
    }
  }

  const framed = async (): Promise<Attempt> => {
    const what = `<iframe src=${target}>`
    const element = document.createElement('iframe')
    element.src = target
    const loaded = new Promise((resolve) => (element.onload = resolve))
    document.body.append(element)
    await loaded
    const outcomes: string[] = []
    let read = ''
    try {
      const doc = element.contentDocument
      outcomes.push(doc ? 'contentDocument readable' : 'contentDocument is null')
      read += doc?.documentElement.outerHTML ?? ''
    } catch (error) {
      outcomes.push(`contentDocument: ${String(error)}`)
    }
    try {
      read += element.contentWindow?.document.documentElement.outerHTML ?? ''
      outcomes.push('contentWindow.document readable')
    } catch (error) {
      outcomes.push(`contentWindow.document: ${(error as Error).name}`)
    }
    return { what, outcome: outcomes.join('; '), read }
  }

  if (kinds.includes('socket')) {
    const origin = new URL(target)
    attempts.push(await socket(`ws://${origin.host}/api`))
    attempts.push(await socket(`ws://localhost:${origin.port}/api`))
  }
  if (kinds.includes('fetch')) {
    const session = new URL('session', target).href
    attempts.push(
      await fetchAttempt(`GET ${target} (cors, credentials)`, target, { credentials: 'include' }),
      await fetchAttempt(`GET ${target} (no-cors, credentials)`, target, {
        mode: 'no-cors',
        credentials: 'include',
      }),
      await fetchAttempt(`POST ${session} (cors, credentials)`, session, {
        method: 'POST',
        credentials: 'include',
      }),
      await fetchAttempt(`POST ${session} (no-cors, credentials)`, session, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
      }),
    )
  }
  if (kinds.includes('frame')) attempts.push(await framed())
  return attempts
}

/** Anything of Watchfloor in what a page read: its page, its session, an api answer. */
const WATCHFLOOR_DATA = /<script|<title>Watchfloor|wf_session|"ok":\s*true|leadCount|"value"/i

/** A tiny site of the attacker's own, on another port of this machine. */
async function attackerSite(): Promise<{ server: Server; port: number; cookies: string[] }> {
  const cookies: string[] = []
  const server = createServer((req, res) => {
    if (req.headers.cookie) cookies.push(req.headers.cookie)
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><title>Cheap flights</title><p>Loading the best deals…</p>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as AddressInfo).port, cookies }
}

async function expectNothingRead(page: Page, target: string, kinds: AttackKind[]) {
  const attempts = await page.evaluate(attack, { target, kinds })
  expect(attempts.length).toBeGreaterThan(0)
  for (const attempt of attempts) {
    expect(attempt.read, `${attempt.what}: ${attempt.outcome}`).toBe('')
  }
  return attempts
}

/**
 * A browser context of the test's own, as the fixture's (UTC, the page clock), closed by the test
 * before its host stops: Chromium keeps (and opens ahead of need) connections to the host, and
 * the host's close waits for a connection that never sent a request until Node's 60-second
 * headers timeout ends it.
 */
async function browsing(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ timezoneId: 'UTC', locale: 'en-US' })
  await context.clock.install({ time: new Date(PAGE_NOW) })
  return context
}

test('a page served from another local port reads nothing of Watchfloor, while the app works beside it', async ({
  browser,
  host,
}) => {
  const context = await browsing(browser)
  try {
    await readNothingFromAnotherPort(context, host.url)
  } finally {
    await context.close()
  }
})

async function readNothingFromAnotherPort(context: BrowserContext, hostUrl: string) {
  // The user has Watchfloor open: its session cookie is in the browser.
  const page = await context.newPage()
  const app = new DashboardsPage(page)
  await app.open(hostUrl)
  expect((await context.cookies(hostUrl)).map((c) => c.name)).toContain('wf_session')

  // The attacks are real: from Watchfloor's own page the same socket code reads the data.
  const socketOnly: AttackKind[] = ['socket']
  const own = await page.evaluate(attack, { target: hostUrl, kinds: socketOnly })
  expect(own[0]?.outcome).toBe('opened and answered')
  expect(own[0]?.read).toMatch(/"ok":true.*leadCount/)

  const site = await attackerSite()
  try {
    for (const attackerOrigin of [
      `http://127.0.0.1:${site.port}`, // same site as the host: the cookie goes along
      `http://localhost:${site.port}`, // another site
    ]) {
      const evil = await context.newPage()
      await evil.goto(`${attackerOrigin}/`)
      await expect(evil).toHaveTitle('Cheap flights')
      // HttpOnly: the cookie is shared across ports, but no script may read it.
      expect(await evil.evaluate(() => document.cookie)).not.toContain('wf_session')

      const attempts = await expectNothingRead(evil, hostUrl, ['socket', 'fetch', 'frame'])
      const outcome = (what: RegExp) => attempts.find((a) => what.test(a.what))?.outcome
      // The sockets never open (the upgrade is refused before any api call).
      for (const a of attempts.filter((a) => a.what.startsWith('WebSocket')))
        expect(a.outcome, a.what).toMatch(/^never opened/)
      // A CORS read is refused; a no-cors one is blocked by Cross-Origin-Resource-Policy
      // (or, were it not, opaque: status 0 and an empty body).
      expect(outcome(/^GET .*\(cors/)).toMatch(/^refused/)
      expect(outcome(/^POST .*\(cors/)).toMatch(/^refused/)
      expect(outcome(/^GET .*no-cors/)).toMatch(/^(refused|opaque response, status 0$)/)
      expect(outcome(/^POST .*no-cors/)).toMatch(/^(refused|opaque response, status 0$)/)
      // The frame is not the app: frame-ancestors 'none' and X-Frame-Options keep it out.
      expect(outcome(/iframe/)).toMatch(/contentDocument is null/)
      for (const child of evil.mainFrame().childFrames()) {
        expect(await child.locator('[data-state]').count()).toBe(0)
      }

      // A window it opens is cut off from it (Cross-Origin-Opener-Policy) and unreadable.
      const [popup] = await Promise.all([
        context.waitForEvent('page'),
        evil.evaluate((target) => {
          ;(window as { opened?: Window | null }).opened = window.open(target, '_blank')
        }, hostUrl),
      ])
      await new DashboardsPage(popup).ready.waitFor()
      const seen = await evil.evaluate(() => {
        const opened = (window as { opened?: Window | null }).opened
        try {
          return { closed: opened?.closed ?? null, read: opened?.document.body.innerText ?? '' }
        } catch (error) {
          return { closed: opened?.closed ?? null, read: '', threw: (error as Error).name }
        }
      })
      expect(seen.read).toBe('')
      expect(seen.closed).toBe(true)
      await popup.close()
      await evil.close()
    }
    // Chromium sends the session cookie to the attacker's own port too (cookies
    // ignore ports): it is the Origin check, not the cookie's scope, that
    // refused the requests above.
    test.info().annotations.push({
      type: 'cookie sent to the other port',
      description: String(site.cookies.some((c) => c.includes('wf_session'))),
    })
  } finally {
    await new Promise((resolve) => site.server.close(resolve))
  }

  // Watchfloor's own page is unaffected: it asks for new numbers and gets them.
  await page.getByTestId('preset-last7').click()
  await app.ready.waitFor()
  await expect(app.errorBanner).toHaveCount(0)
  await expect(app.overTarget).toHaveAttribute('data-value', /^\d+$/)
}

test('a page whose name resolves to the host (DNS rebinding) is refused everything', async ({
  playwright,
  host,
}, testInfo) => {
  // Chromium resolves rebind.test to 127.0.0.1, as an attacker's DNS would
  // after the page loaded: the page is then same-origin with what it asks.
  const launch = testInfo.project.use.launchOptions ?? {}
  const browser = await playwright.chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
  })
  try {
    const context = await browser.newContext()
    const page = await context.newPage()
    const port = new URL(host.url).port
    const rebound = `http://rebind.test:${port}/`
    const response = await page.goto(rebound)
    expect(response?.status()).toBe(403)
    expect(await response?.text()).toMatch(/does not answer to the name rebind\.test/)

    const attempts = await page.evaluate(async (target) => {
      const out: { what: string; status: number; read: string }[] = []
      for (const [what, init] of [
        ['GET /', {}],
        ['GET /index.html', {}],
        ['POST /session', { method: 'POST' }],
      ] as const) {
        const response = await fetch(new URL(what.split(' ')[1] ?? '/', target), init)
        out.push({ what, status: response.status, read: await response.text() })
      }
      const socket = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`${target.replace(/^http/, 'ws')}api`)
        ws.onopen = () => resolve('opened')
        ws.onerror = () => resolve('error')
        ws.onclose = (event) => resolve(`closed with ${event.code}`)
      })
      out.push({ what: 'WebSocket /api', status: 0, read: socket })
      return out
    }, rebound)
    for (const a of attempts.slice(0, 3)) {
      expect(a.status, a.what).toBe(403)
      expect(a.read, a.what).not.toMatch(WATCHFLOOR_DATA)
    }
    expect(attempts[3]?.read).not.toBe('opened')
    expect(await context.cookies()).toEqual([])
  } finally {
    await browser.close()
  }
})

test('a wall screen opens the page with its token once: the token leaves the address bar, history and every request', async ({
  browser,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-'))
  const token = createToken()
  const dbPath = demoCache(dir, 5_000)
  const served = await serveCache(dbPath, ['--no-demo', '--token', token])
  const context = await browsing(browser)
  try {
    const page = await context.newPage()
    const requests: Request[] = []
    page.on('request', (request) => requests.push(request))
    const sockets: string[] = []
    page.on('websocket', (ws) => sockets.push(ws.url()))

    const app = new DashboardsPage(page)
    await page.goto(`${served.url}?token=${encodeURIComponent(token)}&view=marketing`)
    await app.readyOn('marketing').waitFor()
    await expect(app.errorBanner).toHaveCount(0)

    // The address bar and the history hold the page without the token.
    const shown = new URL(page.url())
    expect(shown.origin + shown.pathname).toBe(served.url)
    expect(shown.searchParams.get('view')).toBe('marketing')
    expect(page.url()).not.toContain(token)
    const cdp = await context.newCDPSession(page)
    const history = await cdp.send('Page.getNavigationHistory')
    expect(history.entries.length).toBeGreaterThan(0)
    for (const entry of history.entries) expect(entry.url).not.toContain(token)
    expect(await page.evaluate(() => document.referrer)).toBe('')

    // Only the first request carried it (the exchange itself, answered with a redirect).
    const [exchange, ...after] = requests
    expect(exchange?.url()).toContain(token)
    const redirect = await exchange?.response()
    expect(redirect?.status()).toBe(303)
    expect(await redirect?.headerValue('location')).toBe('/?view=marketing')
    expect(after.length).toBeGreaterThan(3)
    for (const request of after) {
      const headers = await request.allHeaders()
      expect(request.url(), 'a request after the exchange').not.toContain(token)
      expect(headers.referer ?? '', `Referer of ${request.url()}`).not.toContain(token)
    }
    expect(sockets.length).toBeGreaterThan(0)
    for (const url of sockets) expect(url).not.toContain(token)

    // The cookie carries the page across a reload, and the numbers come back.
    await page.reload()
    await app.readyOn('marketing').waitFor()
    await expect(app.errorBanner).toHaveCount(0)

    // Without the cookie or the token, or with a wrong token, the page is refused.
    const stranger = await browser.newContext()
    try {
      const other = await stranger.newPage()
      expect((await other.goto(served.url))?.status()).toBe(401)
      const wrong = await other.goto(`${served.url}?token=${'x'.repeat(token.length)}`)
      expect(wrong?.status()).toBe(401)
      expect(await wrong?.text()).not.toContain('x'.repeat(token.length))
    } finally {
      await stranger.close()
    }

    // Nor does it appear in what the host wrote.
    expect(served.output()).not.toContain(token)
  } finally {
    await context.close()
    served.child.kill('SIGTERM')
    await new Promise((resolve) => served.child.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  }
})
