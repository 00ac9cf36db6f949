// The page's Plotly (renderer/src/lib/plotly-bundle.ts) holds only the trace types the
// dashboards draw. Each of them is drawn here, in the built page under its real CSP (no
// 'unsafe-eval'), from the very chunk the page loaded: no CSP violation, no console error, and
// a trace type left out of the bundle would fail the count of drawn marks.
import { expect, test } from './host-fixture.ts'

/** One figure per trace type the bundle registers, and what each draws in the SVG. */
const FIGURES = [
  { type: 'bar', mark: '.barlayer .point', data: [{ type: 'bar', x: ['a', 'b'], y: [1, 2] }] },
  {
    type: 'scatter',
    mark: '.scatterlayer .trace path.js-line',
    data: [{ type: 'scatter', mode: 'lines', x: [1, 2, 3], y: [3, 1, 2] }],
  },
  {
    type: 'heatmap',
    mark: '.heatmaplayer image',
    data: [
      {
        type: 'heatmap',
        z: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
  },
  {
    type: 'pie (donut)',
    mark: '.pielayer .slice',
    data: [{ type: 'pie', hole: 0.6, labels: ['a', 'b'], values: [2, 3] }],
  },
  {
    type: 'funnel',
    mark: '.funnellayer .point',
    data: [{ type: 'funnel', y: ['Leads', 'Won'], x: [10, 4] }],
  },
  {
    type: 'indicator (gauge)',
    mark: '.indicatorlayer .angular',
    data: [
      { type: 'indicator', mode: 'gauge+number', value: 42, gauge: { axis: { range: [0, 100] } } },
    ],
  },
  {
    type: 'sankey',
    mark: '.sankey .sankey-link',
    data: [
      {
        type: 'sankey',
        node: { label: ['Leads', 'Contacted', 'Won'] },
        link: { source: [0, 1], target: [1, 2], value: [10, 4] },
      },
    ],
  },
] as const

test('every trace type the bundle holds draws under the page CSP, with no error', async ({
  page,
  host,
}) => {
  const errors: string[] = []
  // Console errors of the whole page: Plotly's load and start are in it.
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(error.message))
  // Listening from the first script on: a violation during the page's own start counts too.
  await page.addInitScript(() => {
    const seen: string[] = []
    Object.assign(window, { cspViolations: seen })
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(
        `${event.violatedDirective}: ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`,
      ),
    )
  })
  const chunk = page.waitForResponse((r) => /\/assets\/plotly-bundle-[^/]+\.js$/.test(r.url()))
  await page.goto(host.url)
  const plotlyUrl = (await chunk).url()
  await page.locator('[data-testid="app"][data-state="ready"]').waitFor()

  const drawn = await page.evaluate(
    async ({ url, figures }) => {
      // The chunk the page itself loaded (already in the module map): its export with newPlot.
      const module = (await import(url)) as Record<string, unknown>
      const plotly = Object.values(module).find(
        (
          value,
        ): value is {
          newPlot: (root: HTMLElement, data: unknown, layout: unknown) => Promise<unknown>
          purge: (root: HTMLElement) => void
        } => typeof (value as { newPlot?: unknown } | null)?.newPlot === 'function',
      )
      if (!plotly) throw new Error(`no Plotly export in ${url}`)
      const violations = (window as unknown as { cspViolations: string[] }).cspViolations
      // The page's own start is checked over a whole visit (own-origin.spec.ts); here, Plotly's.
      const before = violations.length
      const counts: Record<string, number> = {}
      for (const figure of figures) {
        const root = document.createElement('div')
        root.style.width = '480px'
        root.style.height = '320px'
        document.body.append(root)
        await plotly.newPlot(root, figure.data, { width: 480, height: 320 })
        counts[figure.type] = root.querySelectorAll(figure.mark).length
        plotly.purge(root)
        root.remove()
      }
      return { counts, violations: violations.slice(before) }
    },
    { url: plotlyUrl, figures: FIGURES },
  )

  for (const figure of FIGURES) {
    expect(drawn.counts[figure.type], `${figure.type} drew ${figure.mark}`).toBeGreaterThan(0)
  }
  expect(errors).toEqual([])
  expect(drawn.violations).toEqual([])
  // The CSP the page ran under allows no eval (the point of drawing it here).
  const csp = await page.evaluate(() =>
    document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
  )
  expect(csp).toContain("script-src 'self'")
  expect(csp).not.toContain('unsafe-eval')
})
