// An offline operations tool talks to nobody but its host: every request of a whole visit
// (every tab, each theme, a filter change) goes to the page's own origin, the policy says so
// (`connect-src 'self'`, plus the host's own socket URLs), and nothing is refused on the way
// (no CSP violation). The built files arrive as the host serves them: compressed, and the
// hashed ones cached for good.
import type { Request, Response, WebSocket } from '@playwright/test'
import { VIEW_IDS } from '../../shared/api/views.ts'
import { DashboardsPage } from './dashboards-page.ts'
import { expect, test } from './host-fixture.ts'

/** A CSP as directive → sources. */
function directives(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) out.set(name.toLowerCase(), sources)
  }
  return out
}

test('a whole visit through every view asks nothing of any origin but its own', async ({
  page,
  host,
}) => {
  const origin = new URL(host.url).origin
  const requests: Request[] = []
  const sockets: WebSocket[] = []
  const responses: Response[] = []
  page.context().on('request', (request) => requests.push(request))
  page.context().on('response', (response) => responses.push(response))
  page.on('websocket', (socket) => sockets.push(socket))
  await page.addInitScript(() => {
    const seen: string[] = []
    Object.assign(window, { cspViolations: seen })
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(
        `${event.violatedDirective}: ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`,
      ),
    )
  })

  const ops = new DashboardsPage(page)
  const served = await page.goto(host.url)
  await ops.ready.waitFor()

  // The tabs as the page lists them: a new view is visited without this test changing.
  const views = await page
    .getByRole('tab')
    .evaluateAll((tabs) =>
      tabs.map((tab) => tab.getAttribute('data-testid')?.replace(/^tab-/, '') ?? ''),
    )
  // Every tab the app names (shared/api/views.ts), each listed once.
  expect([...views].sort()).toEqual([...VIEW_IDS].sort())

  // A filter change on the first view (a custom range), then every view under it.
  await ops.setRange('2026-10-01', '2026-10-15')
  for (const view of views) await ops.openTab(view)

  // Each theme over the first view again, then every view in the last of them.
  const picker = page.getByTestId('theme-picker')
  const themes = await picker
    .locator('option')
    .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value))
  expect(themes.length).toBeGreaterThanOrEqual(3)
  await ops.openTab(views[0] ?? 'overview')
  for (const theme of themes) {
    await picker.selectOption(theme)
    await ops.ready.waitFor()
  }
  for (const view of views) await ops.openTab(view)

  // Every request, of any kind, to the page's own origin (data: and blob: URLs are no requests
  // to anyone: Plotly draws its images that way).
  const elsewhere = requests
    .map((request) => request.url())
    .filter((url) => !url.startsWith('data:') && !url.startsWith('blob:'))
    .filter((url) => new URL(url).origin !== origin)
  expect(elsewhere).toEqual([])
  expect(requests.length).toBeGreaterThan(3)
  // The api socket: the same host and port, ws: for http:.
  expect(sockets.length).toBeGreaterThan(0)
  for (const socket of sockets) {
    const url = new URL(socket.url())
    expect(`${url.protocol.replace(/^ws/, 'http')}//${url.host}`).toBe(origin)
  }

  // The policy: connect-src 'self', plus only the host's own socket URLs (its header), and
  // exactly 'self' in the page's <meta>.
  const header = (await served?.allHeaders())?.['content-security-policy'] ?? ''
  const connect = directives(header).get('connect-src') ?? []
  expect(connect[0]).toBe("'self'")
  for (const source of connect.slice(1)) {
    const url = new URL(source)
    expect(url.protocol).toMatch(/^wss?:$/)
    expect(url.port).toBe(new URL(origin).port)
  }
  expect(directives(header).get('default-src')).toEqual(["'self'"])
  const meta = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content')
  expect(directives(meta ?? '').get('connect-src')).toEqual(["'self'"])

  const violations = await page.evaluate(
    () => (window as unknown as { cspViolations: string[] }).cspViolations,
  )
  expect(violations).toEqual([])

  // The built scripts came compressed (Chromium asks for gzip at least), the hashed ones
  // cached for a year; the page itself is revalidated.
  const scripts = responses.filter((r) => /\/assets\/[^/]+\.js$/.test(r.url()))
  expect(scripts.map((r) => r.url()).some((url) => /plotly-bundle-/.test(url))).toBe(true)
  for (const script of scripts) {
    const headers = await script.allHeaders()
    expect(headers['content-encoding'], script.url()).toMatch(/^(br|gzip)$/)
    expect(headers['cache-control'], script.url()).toBe('public, max-age=31536000, immutable')
    expect(headers.vary, script.url()).toBe('Accept-Encoding')
  }
  expect((await served?.allHeaders())?.['cache-control']).toBe('no-cache')
})
