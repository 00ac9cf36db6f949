import { chromium } from 'playwright-core'
import { serveCache } from '../e2e/host-fixture.ts'

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Seconds from starting `watchfloor serve` on an existing cache to the first
 * KPI painted in Chromium (the page's data-state="ready"). Chromium is
 * launched before the clock starts: we time Watchfloor, not the browser.
 */
export async function coldStartSeconds(dbPath: string, runs: number): Promise<number[]> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: chromiumArgs,
  })
  const times: number[] = []
  try {
    for (let i = 0; i < runs; i += 1) {
      const context = await browser.newContext({ timezoneId: 'UTC' })
      const page = await context.newPage()
      const started = performance.now()
      const { url, child } = await serveCache(dbPath, ['--no-demo'])
      await page.goto(url)
      // The first KPI painted: a card holding a number (the chart may still be loading).
      await page
        .locator('[data-testid="kpi-over-target"][data-value]:not([data-value=""])')
        .waitFor({ timeout: 120_000 })
      times.push((performance.now() - started) / 1000)
      await context.close()
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    }
  } finally {
    await browser.close()
  }
  return times
}
