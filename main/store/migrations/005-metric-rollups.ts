// Placeholder, filled in by the work on 005-metric-rollups before any release.
export default /* sql */ `
`
