// Placeholder, filled in by the work on 006-stream-state before any release.
export default /* sql */ `
`
