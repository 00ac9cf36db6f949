// Indexes for the dashboards' range queries. Kept in their own migration so a
// bulk load (demo fill, initial sync) can run before them on a fresh file.
export default /* sql */ `
CREATE INDEX leads_created_at ON leads (created_at);
CREATE INDEX leads_updated_at ON leads (updated_at);
CREATE INDEX events_at ON events (at);
`
