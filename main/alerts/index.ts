// The alerts folder's public face (issue 13): the engine the core runs, and
// what the CLI and tests use of it.
export {
  createAlertEngine,
  trayState,
  DEFAULT_EVALUATION_INTERVAL_MS,
  UPSTREAM_ACTIVE_MS,
  type AlertEngine,
  type AlertEngineOptions,
  type CycleResult,
} from './engine.ts'
export { evaluateRules, defaultAlertFilters, dashboardsFor, METRIC_READERS } from './evaluate.ts'
export { step, initialRuleState, type RuleState, type StepRule } from './state-machine.ts'
