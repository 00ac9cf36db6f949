// Watchfloor's words for numbers, dates, KPI values, filters and cards: one home for the page
// (renderer/src/lib/format.ts re-exports these) and for every export (main/export/).
export * from './numbers.ts'
export * from './dates.ts'
export * from './kpi-values.ts'
export * from './filters.ts'
export * from './view-cards.ts'
