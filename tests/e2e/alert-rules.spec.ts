// Managing alert rules in the app (issue 13: "rules can be created, edited, enabled and deleted in
// the app (admin)"), in Chromium through the browser host on this machine: the alert panel's Rules
// tab lists the default rules; a rule typed in the units shown (%, minutes) is read back from
// `rules.list` as the stored values (fractions, seconds); it is edited, disabled and enabled,
// and deleted after a confirmation. A rule the core refuses shows the core's sentence and saves
// nothing. axe finds no serious or critical violation with the tab and the form open.
import AxeBuilder from '@axe-core/playwright'
import type { Locator, Page } from '@playwright/test'
import type { AlertRule, AlertRuleList } from '../../shared/api/index.ts'
import { HostApi } from '../support/host-client.ts'
import { expect, test } from './host-fixture.ts'

const NAME = 'E2E conversion slipping'

/** Console errors and uncaught exceptions: none is expected. */
function recordProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  return problems
}

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .include('[data-testid="alert-panel"]')
    .analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target).join(', ')}`)
}

/** The Rules tab's locators. */
class RulesTab {
  readonly panel: Locator
  readonly form: Locator
  constructor(readonly page: Page) {
    this.panel = page.getByTestId('alert-panel')
    this.form = page.getByTestId('rule-form')
  }
  async open(): Promise<void> {
    await this.page.getByTestId('alerts-button').click()
    await this.page.getByTestId('alerts-tab-rules').click()
    await expect(this.page.getByTestId('alert-rules')).toBeVisible()
  }
  item(name: string): Locator {
    return this.panel.getByTestId('rule-item').filter({ hasText: name })
  }
  field(name: string): Locator {
    return this.form.getByTestId(`rule-${name}`)
  }
}

async function ruleNamed(api: HostApi, name: string): Promise<AlertRule | undefined> {
  const list = await api.call<AlertRuleList>('rules.list', {})
  return list.rules.find((r) => r.name === name)
}

test('rules are listed, created in shown units, edited, switched, refused with the core sentence, deleted', async ({
  page,
  host,
}) => {
  test.setTimeout(120_000)
  const problems = recordProblems(page)
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(host.url)
  await page.locator('[data-state="ready"]').first().waitFor()
  const api = await HostApi.open(host.url)
  try {
    const rules = new RulesTab(page)
    await rules.open()

    // The shipped defaults, in words, marked built-in.
    const response = rules.item('Lead response over target')
    await expect(response).toBeVisible()
    await expect(response.getByTestId('rule-builtin')).toBeVisible()
    await expect(response).toContainText('Average first response')
    await expect(response.getByTestId('rule-condition')).toContainText(/warning above \d[\d,]* s/i)
    await expect(rules.item('Revenue behind target')).toContainText('85.0 %')
    await expect(rules.item('Source offline')).toContainText('10 min')
    expect(await seriousViolations(page)).toEqual([])

    // Created through the form, in percent and minutes.
    await page.getByTestId('rule-new').click()
    await expect(rules.field('name')).toBeFocused()
    await rules.field('name').fill(NAME)
    await rules.field('metric').selectOption('conversionRate')
    await rules.field('comparator').selectOption('<')
    await rules.field('warning').fill('25')
    await rules.field('critical').fill('20')
    await rules.field('recovery').fill('26')
    await rules.field('for').fill('15')
    await rules.field('filtered').check()
    await rules.field('range').selectOption('last90')
    await rules.field('message').fill('{name}: conversion at {value}')
    expect(await seriousViolations(page)).toEqual([])
    await rules.field('save').click()
    await expect(rules.form).toHaveCount(0)
    const created = rules.item(NAME)
    await expect(created).toContainText('below 25.0 %')
    await expect(created).toContainText('for 15 min')
    await expect(created).toContainText('Last 90 days')
    await expect(created.getByTestId('rule-builtin')).toHaveCount(0)
    const stored = await ruleNamed(api, NAME)
    expect(stored).toMatchObject({
      metric: 'conversionRate',
      comparator: '<',
      warning: 0.25,
      critical: 0.2,
      recovery: 0.26,
      forSeconds: 900,
      message: '{name}: conversion at {value}',
      enabled: true,
      builtIn: false,
    })
    expect(stored?.filters?.range.preset).toBe('last90')

    // Edited: the form shows the stored values in percent; the new warning is stored as a fraction.
    await created.getByTestId('rule-edit').click()
    await expect(rules.field('warning')).toHaveValue('25')
    await expect(rules.field('for')).toHaveValue('15')
    await rules.field('warning').fill('24')
    await rules.field('save').click()
    await expect(rules.form).toHaveCount(0)
    await expect(created).toContainText('below 24.0 %')
    expect(await ruleNamed(api, NAME)).toMatchObject({ id: stored?.id, warning: 0.24 })

    // Disabled, then enabled again.
    const toggle = created.getByTestId('rule-enable')
    await toggle.click()
    await expect(toggle).toHaveAttribute('aria-checked', 'false')
    expect((await ruleNamed(api, NAME))?.enabled).toBe(false)
    await toggle.click()
    await expect(toggle).toHaveAttribute('aria-checked', 'true')
    expect((await ruleNamed(api, NAME))?.enabled).toBe(true)

    // Critical on the wrong side of warning: the core's sentence, nothing saved.
    await page.getByTestId('rule-new').click()
    await rules.field('name').fill('E2E backwards')
    await rules.field('metric').selectOption('averageResponseSeconds')
    await rules.field('comparator').selectOption('>')
    await rules.field('warning').fill('600')
    await rules.field('critical').fill('300')
    await rules.field('save').click()
    await expect(rules.field('refusal')).toContainText(
      'the critical threshold must lie above the warning one',
    )
    expect(await ruleNamed(api, 'E2E backwards')).toBeUndefined()
    // Escape leaves the form, not the panel; focus returns to New rule.
    await rules.field('name').focus()
    await page.keyboard.press('Escape')
    await expect(rules.form).toHaveCount(0)
    await expect(rules.panel).toBeVisible()
    await expect(page.getByTestId('rule-new')).toBeFocused()

    // Deleted, after a confirmation.
    await created.getByTestId('rule-delete').click()
    const confirm = created.getByTestId('rule-confirm-delete')
    await expect(confirm).toBeFocused()
    expect(await seriousViolations(page)).toEqual([])
    await created.getByTestId('rule-confirm-cancel').click()
    expect(await ruleNamed(api, NAME)).toBeDefined()
    await created.getByTestId('rule-delete').click()
    await created.getByTestId('rule-confirm-delete').click()
    await expect(rules.item(NAME)).toHaveCount(0)
    expect(await ruleNamed(api, NAME)).toBeUndefined()

    expect(problems).toEqual([])
  } finally {
    api.close()
  }
})
