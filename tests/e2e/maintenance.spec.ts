// Admin maintenance from Health (issue 11) on demo data through the real
// host: each action asks first, shows its progress and its result; re-sync
// says there is no upstream to re-sync from. The demo source says it is
// generated data, as of when, not "live" with a last sync of "never".
import { MAINTENANCE_ACTION_TEXT } from '../../shared/api/maintenance.ts'
import { expect, test } from './host-fixture.ts'
import { StatusPage } from './status-page.ts'

test('Health: compaction and a rollup rebuild behind a confirmation, with their results', async ({
  page,
  host,
}) => {
  const status = new StatusPage(page)
  await page.goto(`${host.url}?view=health`)
  await status.ready.waitFor()

  const demo = status.source('Demo data')
  await expect(demo).toContainText('Generated')
  await expect(demo).toContainText('data as of')
  await expect(demo).not.toContainText(/live|never/i)
  const demoRow = status.healthSources.filter({ hasText: 'Demo data' })
  await expect(demoRow).toContainText('generated')
  await expect(demoRow).not.toContainText('never')

  await expect(page.getByTestId('maintenance-resync')).toBeDisabled()
  await expect(page.getByTestId('maintenance-resync-unavailable')).toContainText(
    'There is no upstream to re-sync from',
  )

  const dialog = page.getByTestId('maintenance-confirm')
  await page.getByTestId('maintenance-compact').click()
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText(MAINTENANCE_ACTION_TEXT.compact.confirm)
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('maintenance-job')).toHaveCount(0)

  const job = page.getByTestId('maintenance-job')
  await page.getByTestId('maintenance-compact').click()
  await page.getByTestId('maintenance-confirm-start').click()
  await expect(job).toHaveAttribute('data-job-action', 'compact')
  await expect(job).toHaveAttribute('data-job-state', 'done', { timeout: 60_000 })
  await expect(page.getByTestId('maintenance-result')).toContainText(/freed\.$/)

  await page.getByTestId('maintenance-rebuild-rollups').click()
  await expect(dialog).toContainText(MAINTENANCE_ACTION_TEXT['rebuild-rollups'].confirm)
  await page.getByTestId('maintenance-confirm-start').click()
  await expect(job).toHaveAttribute('data-job-action', 'rebuild-rollups')
  await expect(job).not.toHaveAttribute('data-job-state', 'running', { timeout: 60_000 })
  // A failed job says why: show it as the failure.
  expect(await page.getByTestId('maintenance-job').textContent()).not.toMatch(/fail/i)
  await expect(job).toHaveAttribute('data-job-state', 'done')
  await expect(page.getByTestId('maintenance-result')).toContainText(
    /^Rebuilt the KPI rollups from [\d,]+ leads in [\d.]+ s\.$/,
  )
  // The page stayed whole and answering throughout.
  await status.ready.waitFor()
})
