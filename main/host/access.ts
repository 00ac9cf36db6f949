// Who may talk to the browser host (issue 10). Any web page the user visits
// can make the browser send requests to 127.0.0.1, so every HTTP request and
// WebSocket upgrade is checked before anything else happens:
// - Host must name the host itself (its bound address, localhost, 127.0.0.1
//   or [::1] with its port; bound to every interface, the machine's
//   addresses and name; or a name given with --allow-origin): a
//   DNS-rebinding page sends its own name.
// - Origin, when sent, must be one of those origins; `null` never is. A
//   browser always sends Origin on a WebSocket, so a page elsewhere cannot
//   open one.
// - The api needs the per-run secret: an HttpOnly, SameSite=Strict cookie the
//   host sets on its own page, which no other origin can read. A LAN wall
//   screen opens the page once with ?token=… (a long-lived token, compared in
//   constant time, failures rate-limited per address); the token is exchanged
//   for the cookie and removed from the URL by a redirect.
// - Roles (issue 15): a page on this machine (a loopback peer) is the admin's; a screen over
//   the network has its token's role. A token is one of the token table's (TokenLookup: made
//   with `watchfloor token create --role …`, revocable) or the one given with `serve --token`
//   (WATCHFLOOR_TOKEN), which is a viewer token. The cookie a token screen holds is bound to
//   its token, so a revoked token's cookie stops working at once.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { hostname, networkInterfaces } from 'node:os'
import { LOOPBACK_CALLER, type Caller, type Role } from '../../shared/api/index.ts'
import type { TokenIdentity, TokenLookup } from '../access/token-identity.ts'

/** The cookie that carries the per-run secret. */
export const SESSION_COOKIE = 'wf_session'
/** Tokens shorter than this many characters are refused at start (128 bits as base64url is 22). */
export const MIN_TOKEN_LENGTH = 22
/** Failed token attempts allowed per address per window before 429. */
export const TOKEN_FAILURES_ALLOWED = 10
export const TOKEN_FAILURE_WINDOW_MS = 60_000

export function checkTokenStrength(token: string): string | null {
  if (token.length < MIN_TOKEN_LENGTH)
    return `the token is ${token.length} characters; use at least ${MIN_TOKEN_LENGTH} random ones (watchfloor token create makes one)`
  if (!/^[\x21-\x7e]+$/.test(token)) return 'the token must be printable ASCII without spaces'
  return null
}

export function sameSecret(given: string | null | undefined, expected: string): boolean {
  if (given === null || given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The role of the token given with `serve --token` / WATCHFLOOR_TOKEN: a wall screen's. */
export const SERVE_TOKEN_ROLE: Role = 'viewer'
/** What the audit log calls a screen that opened with that token. */
export const SERVE_TOKEN_NAME = 'serve --token'

/** Whether a socket's peer address is this machine (127.0.0.0/8, ::1, or v4-mapped loopback). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)
}

export interface AccessOptions {
  /** The address the host listens on, and its port. */
  readonly bindHost: string
  readonly port: number
  /** Further names or origins a wall screen reaches the host by (`wall.local`, `http://10.0.0.5:4870`). */
  readonly allowOrigins?: readonly string[]
  readonly token?: string
  /** Stored tokens; with them a host bound beyond loopback needs no `token`. */
  readonly tokens?: TokenLookup
  readonly now?: () => number
}

export type Refusal = { readonly status: 400 | 401 | 403 | 429; readonly reason: string }

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']

/** Whether a bind address is loopback only (anything else needs a token). */
export const isLoopback = (bindHost: string): boolean => LOOPBACK_NAMES.includes(hostName(bindHost))

/** `[::1]` for an IPv6 literal, the name otherwise, lower-cased. */
const hostName = (host: string) =>
  (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host).toLowerCase()

function cookieValue(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

/** An accepted request, and who makes it. */
export type Admitted = { readonly kind: 'ok'; readonly caller: Caller }
export type Refused = { readonly kind: 'refuse' } & Refusal

export interface Access {
  /** The host's own origins, e.g. `http://127.0.0.1:4870`. */
  readonly origins: ReadonlySet<string>
  /** WebSocket URLs the page may connect to (for the CSP's connect-src). */
  readonly socketUrls: readonly string[]
  /** Whether pages need a token (bound beyond loopback, or given `serve --token`). */
  readonly needsToken: boolean
  /** Host and Origin of any request; null when they are the host's own. */
  checkOrigin(req: IncomingMessage): Refusal | null
  /**
   * The upgrade to /api: the session cookie (or the token, from a script), Origin required
   * from a page; admitted with the caller every call on the socket is made as.
   */
  checkSocket(req: IncomingMessage): Admitted | Refused
  /**
   * A page load: whether it may have the session cookie (`cookie`: the Set-Cookie value), and
   * what to do with a ?token=.
   */
  checkPage(
    req: IncomingMessage,
  ):
    | { readonly kind: 'ok'; readonly cookie: string }
    | { readonly kind: 'exchange'; readonly location: string; readonly cookie: string }
    | Refused
  /**
   * POST /session from the host's own page (a browser always sends Origin on
   * a POST): hands out the cookie again, so a page open across a restart of
   * the host reconnects. With a token, only to a page that holds the cookie.
   */
  checkSessionRenewal(req: IncomingMessage): { readonly cookie: string } | Refusal
  /**
   * GET /exports/<id> (issue 12): the api's rule for a plain request. Host and Origin (when
   * sent: a browser's download of a same-origin link sends none) must be the host's own, and
   * it needs the session cookie, or the token from a script that sends no Origin.
   */
  checkDownload(req: IncomingMessage): Admitted | Refused
}

export function createAccess(options: AccessOptions): Access {
  const now = options.now ?? Date.now
  const needsToken =
    options.token !== undefined || (options.tokens !== undefined && !isLoopback(options.bindHost))
  // Without a token the session is a secret new every run (the page gets the new one from
  // POST /session before it reconnects). With one, the cookie carries the token itself: it is
  // HttpOnly and SameSite=Strict, so no page script and no other site can read or send it, and
  // a wall screen's cookie outlives a restart of the host but not a revocation of its token.
  const runSecret = randomBytes(32).toString('base64url')
  const cookieOf = (value: string) =>
    `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/`
  const names = new Set<string>([...LOOPBACK_NAMES, hostName(options.bindHost)])
  // Bound to every interface (a LAN wall screen): the machine's own addresses
  // and name are its names too. A rebinding page's domain is none of them.
  if (options.bindHost === '0.0.0.0' || options.bindHost === '::') {
    for (const list of Object.values(networkInterfaces()))
      for (const address of list ?? []) names.add(hostName(address.address.split('%')[0] ?? ''))
    names.add(hostname().toLowerCase())
    names.add(`${hostname().toLowerCase()}.local`)
  }
  const origins = new Set<string>()
  const hosts = new Set<string>()
  for (const name of names) {
    hosts.add(`${name}:${options.port}`)
    origins.add(`http://${name}:${options.port}`)
  }
  for (const extra of options.allowOrigins ?? []) {
    const text = extra.trim().toLowerCase().replace(/\/+$/, '')
    if (/^https?:\/\//.test(text)) {
      const url = new URL(text)
      origins.add(url.origin)
      hosts.add(url.host)
    } else {
      hosts.add(`${hostName(text)}:${options.port}`)
      origins.add(`http://${hostName(text)}:${options.port}`)
    }
  }
  const failures = new Map<string, number[]>()
  const limited = (address: string): boolean => {
    const t = now()
    const list = (failures.get(address) ?? []).filter((at) => t - at < TOKEN_FAILURE_WINDOW_MS)
    if (list.length === 0) failures.delete(address)
    else failures.set(address, list)
    return list.length >= TOKEN_FAILURES_ALLOWED
  }
  const fail = (address: string) => {
    const list = failures.get(address) ?? []
    list.push(now())
    failures.set(address, list)
    // Bounded: a flood from many addresses keeps only recent ones.
    if (failures.size > 10_000) failures.delete(failures.keys().next().value as string)
  }
  const addressOf = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown'

  const checkOrigin = (req: IncomingMessage): Refusal | null => {
    const host = req.headers.host?.toLowerCase()
    if (!host || !hosts.has(host))
      return { status: 403, reason: `this host does not answer to the name ${host ?? '(none)'}` }
    const origin = req.headers.origin
    if (origin !== undefined && !origins.has(origin.toLowerCase()))
      return { status: 403, reason: `requests from ${origin} are not allowed` }
    return null
  }

  /** The token `given` is: the `serve --token` one, or one of the table's. */
  const identify = (given: string): TokenIdentity | null => {
    if (options.token !== undefined && sameSecret(given, options.token))
      return { name: SERVE_TOKEN_NAME, role: SERVE_TOKEN_ROLE }
    return options.tokens?.match(given) ?? null
  }

  /** A presented token (a ?token= or a token cookie), rate-limited per address on failure. */
  const tokenOk = (
    req: IncomingMessage,
    given: string | null,
  ): { identity: TokenIdentity } | Refusal => {
    const address = addressOf(req)
    if (limited(address))
      return { status: 429, reason: 'too many wrong tokens from this address; wait a minute' }
    const identity = given === null || given.length > 512 ? null : identify(given)
    if (identity) return { identity }
    fail(address)
    return { status: 401, reason: 'a valid token is required' }
  }

  /** Who a request with this token (or none, on a host that needs none) is. */
  const callerOf = (req: IncomingMessage, identity: TokenIdentity | null): Caller => {
    // The machine's own browser is the admin's, token or not (issue 15).
    if (isLoopbackAddress(req.socket.remoteAddress) || identity === null) return LOOPBACK_CALLER
    return {
      role: identity.role,
      actor: identity.name,
      ...(identity.id !== undefined ? { tokenId: identity.id } : {}),
    }
  }

  /** The session a request's cookie holds: a token's identity, the run's secret, or none. */
  const session = (
    req: IncomingMessage,
  ): { identity: TokenIdentity } | { identity: null } | Refusal | null => {
    const value = cookieValue(req, SESSION_COOKIE)
    if (value === null) return null
    if (!needsToken) return sameSecret(value, runSecret) ? { identity: null } : null
    let token: string | null = null
    try {
      token = decodeURIComponent(value)
    } catch {
      // Not one we set: counted as a wrong token below.
    }
    return tokenOk(req, token)
  }
  const isRefusal = (v: object): v is Refusal => 'status' in v

  return {
    origins,
    needsToken,
    // CSP host sources cannot name an IPv6 literal; 'self' covers a page loaded by one.
    socketUrls: [...origins]
      .filter((o) => !o.includes('['))
      .map((o) => `${o.replace(/^http/, 'ws')}/api`),
    checkOrigin,
    checkSocket(req) {
      const refused = checkOrigin(req)
      if (refused) return { kind: 'refuse', ...refused }
      const held = session(req)
      if (held !== null) {
        if (isRefusal(held)) return { kind: 'refuse', ...held }
        // The cookie is only ever handed to the host's own page; a page
        // elsewhere cannot send a WebSocket with our Origin.
        return req.headers.origin === undefined
          ? { kind: 'refuse', status: 403, reason: 'a page must say where it comes from' }
          : { kind: 'ok', caller: callerOf(req, held.identity) }
      }
      // A script (no Origin) may present the token instead of a cookie.
      const url = new URL(req.url ?? '/', 'http://localhost')
      const given = url.searchParams.get('token')
      if (needsToken && req.headers.origin === undefined) {
        const ok = tokenOk(req, given)
        return isRefusal(ok)
          ? { kind: 'refuse', ...ok }
          : { kind: 'ok', caller: callerOf(req, ok.identity) }
      }
      return {
        kind: 'refuse',
        status: 401,
        reason: 'open the page first: the api needs its session',
      }
    },
    checkDownload(req) {
      const refused = checkOrigin(req)
      if (refused) return { kind: 'refuse', ...refused }
      const held = session(req)
      if (held !== null) {
        if (isRefusal(held)) return { kind: 'refuse', ...held }
        return { kind: 'ok', caller: callerOf(req, held.identity) }
      }
      const given = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token')
      if (needsToken && given !== null && req.headers.origin === undefined) {
        const ok = tokenOk(req, given)
        return isRefusal(ok)
          ? { kind: 'refuse', ...ok }
          : { kind: 'ok', caller: callerOf(req, ok.identity) }
      }
      return {
        kind: 'refuse',
        status: 401,
        reason: 'open the page first: downloads need its session',
      }
    },
    checkSessionRenewal(req) {
      const refused = checkOrigin(req)
      if (refused) return refused
      if (req.headers.origin === undefined)
        return { status: 403, reason: 'a page must say where it comes from' }
      if (!needsToken) return { cookie: cookieOf(runSecret) }
      const value = cookieValue(req, SESSION_COOKIE)
      const held = session(req)
      if (held === null || value === null)
        return { status: 401, reason: 'open this page with ?token=… once' }
      return isRefusal(held) ? held : { cookie: cookieOf(value) }
    },
    checkPage(req) {
      const refused = checkOrigin(req)
      if (refused) return { kind: 'refuse', ...refused }
      const url = new URL(req.url ?? '/', 'http://localhost')
      const given = url.searchParams.get('token')
      if (given !== null) {
        if (!needsToken) return { kind: 'refuse', status: 400, reason: 'this host takes no token' }
        const ok = tokenOk(req, given)
        if (isRefusal(ok)) return { kind: 'refuse', ...ok }
        url.searchParams.delete('token')
        return {
          kind: 'exchange',
          location: `${url.pathname}${url.search}`,
          // Encoded: a `serve --token` may hold ; or , (printable ASCII).
          cookie: cookieOf(encodeURIComponent(given)),
        }
      }
      if (!needsToken) return { kind: 'ok', cookie: cookieOf(runSecret) }
      const value = cookieValue(req, SESSION_COOKIE)
      const held = session(req)
      if (held !== null && value !== null) {
        if (isRefusal(held)) return { kind: 'refuse', ...held }
        return { kind: 'ok', cookie: cookieOf(value) }
      }
      return {
        kind: 'refuse',
        status: 401,
        reason: 'open this page with ?token=… once; the token is then kept in a cookie',
      }
    },
  }
}
