// Placeholder, filled in by the work on 004-sync-state before any release.
export default /* sql */ `
`
