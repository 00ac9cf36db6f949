// The Socket.IO client's public face (DESIGN.md, "Sync", Socket.IO).
export {
  startSocketIoClient,
  type SocketIoClient,
  type SocketIoClientOptions,
  type SocketIoStats,
} from './socketio-client.ts'
export {
  OPS_EVENTS,
  opsRooms,
  metricPushSchema,
  alertPushSchema,
  type MetricPush,
} from './payloads.ts'
