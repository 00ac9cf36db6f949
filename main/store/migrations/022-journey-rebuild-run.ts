// Which inference of the journeys is the current one (issue 14). Two can run at once on one
// cache: the core's intelligence worker and a CLI export's ensureJourneys in another process.
// Each chunk of either is whole on its own, but the later one's start empties the history, so
// the one that finishes first used to mark the journeys whole (rebuilt_at) while the other had
// yet to infer the leads before its place: the page showed partial flows without its note.
// An inference now writes its own `run` at its start and sets rebuilt_at only while that run is
// still the current one (main/intelligence/journeys.ts, rebuildJourneySteps).
export default /* sql */ `
ALTER TABLE journey_state ADD COLUMN run TEXT;
`
