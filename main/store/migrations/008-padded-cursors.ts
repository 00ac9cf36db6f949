// Sync cursors as 20-digit zero-padded text (issue 8). The change-log cursor
// and snapshot horizon are xid8 values, the poll watermark epoch ms; stored
// as plain decimal text they compare wrongly as text ('100000' < '99999').
// Padded, text order is numeric order, so no reader of this table can get it
// wrong. main/sync/postgres/xid.ts reads and writes this form; values that are not
// plain digits are left alone (the sync reads them as missing and copies the
// table again).
export default /* sql */ `
UPDATE sync_state SET watermark = substr('00000000000000000000' || watermark, -20)
  WHERE length(watermark) BETWEEN 1 AND 19 AND watermark NOT GLOB '*[^0-9]*';
UPDATE sync_state SET snapshot_horizon = substr('00000000000000000000' || snapshot_horizon, -20)
  WHERE length(snapshot_horizon) BETWEEN 1 AND 19 AND snapshot_horizon NOT GLOB '*[^0-9]*';
`
