// The shell's security policy as pure functions (issue 15, "Security"; Electron's security
// checklist): what the app's own page is, which URLs may be opened outside the app, what a
// navigation, a redirect, a new window or a permission request gets, and the window's
// webPreferences. It imports no `electron`, so every rule is tested under Node with hostile
// inputs (tests/unit/electron-security-policy.test.ts); web-contents-policy.ts and
// app-protocol.ts hand these decisions to Electron.
//
// URLs are always parsed with WHATWG URL and compared by their parts, never by substring:
// `https://evil.example/?next=app://watchfloor` contains the app's origin and is not the app.

/** The privileged scheme the renderer is served from (app-protocol.ts), never `file://`. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'watchfloor'
/** The app's one origin: IPC senders, navigations and permissions are checked against it. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
/** The page every window loads (the desk's; the wall's adds `?mode=wall…`). */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * protocol.registerSchemesAsPrivileged's entry, registered before `ready`: a standard, secure
 * scheme (an origin of its own, localStorage, ES modules, the Fetch API), never bypassing CSP.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    codeCache: true,
    bypassCSP: false,
    corsEnabled: false,
    allowServiceWorkers: false,
    stream: false,
  },
} as const

/** Longest URL handed to the OS to open; a longer one is not a link a person clicked. */
export const MAX_EXTERNAL_URL_LENGTH = 2048

/** The only permission a page of ours may ask for or be asked about: alert notifications. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set([
  'notifications',
  // The settings screen's Copy button for a new token (written, never read: not clipboard-read).
  'clipboard-sanitized-write',
])

/**
 * Whitespace, control and invisible direction characters, anywhere in a URL: the parser drops
 * some silently, and the rest make an address read as another one.
 */
function hasControlOrSpace(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    if (
      code <= 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      /\s/u.test(char) ||
      (code >= 0x200b && code <= 0x200f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069) ||
      code === 0xfeff
    )
      return true
  }
  return false
}

function parse(value: unknown): URL | null {
  if (typeof value !== 'string') return null
  try {
    return new URL(value)
  } catch {
    return null
  }
}

/** True for a page served by the app's protocol: `app://watchfloor/…`, no credentials, no port. */
export function isAppUrl(value: unknown): boolean {
  const url = parse(value)
  return (
    url !== null &&
    url.protocol === `${APP_SCHEME}:` &&
    // Chromium lowercases a standard scheme's host; Node keeps a non-special one as written.
    url.hostname.toLowerCase() === APP_HOST &&
    url.username === '' &&
    url.password === '' &&
    url.port === ''
  )
}

/**
 * The dev server's URL (`ELECTRON_RENDERER_URL`, set by `electron-vite dev`), honoured only in
 * an app that is not packaged: in a packaged app it would make any URL both loaded and trusted
 * for IPC. Only http(s) on a loopback address is accepted; anything else is null.
 */
export function devServerUrlFor(value: string | undefined, isPackaged: boolean): string | null {
  if (isPackaged || value === undefined || value === '') return null
  const url = parse(value)
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null
  if (url.username !== '' || url.password !== '') return null
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname.toLowerCase())
  return loopback ? url.href : null
}

/**
 * "Is this URL one of our own pages?": the app's origin, or the dev server's exact origin when
 * one was accepted by devServerUrlFor. Used for IPC senders, navigations and permissions.
 */
export function ownPageCheck(devServerUrl: string | null = null): (url: unknown) => boolean {
  const devOrigin = devServerUrl === null ? null : new URL(devServerUrl).origin
  return (value) => {
    if (isAppUrl(value)) return true
    if (devOrigin === null) return false
    const url = parse(value)
    return url !== null && url.username === '' && url.password === '' && url.origin === devOrigin
  }
}

/**
 * A URL the OS may open in the person's browser: http or https only, parsed (never
 * substring-checked), written with `//` and a host, without credentials (`https://bank.example@evil.example`),
 * without whitespace or control characters anywhere (the URL parser would silently drop some),
 * at most MAX_EXTERNAL_URL_LENGTH long. The normalised href, or null.
 */
export function externalUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_EXTERNAL_URL_LENGTH) return null
  if (hasControlOrSpace(value)) return null
  // Written as a person writes a link: the scheme, `//` and a host. The parser would repair
  // `https:///x`, `https:\\evil.example` or `https:evil.example` into some other address.
  if (!/^https?:\/\/[^/\\?#]/i.test(value)) return null
  const url = parse(value)
  if (url === null) return null
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null
  return url.href
}

/**
 * The one way a URL leaves the app (Actual's `openExternalUrl(value, open)`): validated by
 * externalUrl, then handed to `open` (Electron's shell.openExternal). False when refused.
 */
export function openExternal(
  value: unknown,
  open: (url: string) => unknown,
  log?: (line: string) => void,
): boolean {
  const url = externalUrl(value)
  if (url === null) {
    log?.('A link was not opened: only http and https addresses open outside Watchfloor.')
    return false
  }
  void Promise.resolve()
    .then(() => open(url))
    .catch((error: unknown) => log?.(`A link could not be opened: ${(error as Error).message}`))
  return true
}

/**
 * What a navigation, a redirect or a frame's navigation gets: our own pages proceed; anything
 * else is stopped, and an http(s) link is offered to the person's browser instead (through
 * openExternal, never loaded in the app).
 */
export type NavigationDecision =
  { readonly allow: true } | { readonly allow: false; readonly openExternally: string | null }

export function navigationDecision(
  url: unknown,
  isOwnPage: (url: unknown) => boolean,
): NavigationDecision {
  if (isOwnPage(url)) return { allow: true }
  return { allow: false, openExternally: externalUrl(url) }
}

/**
 * A new window (window.open, target=_blank) is never created by a page: the app's windows are
 * made by the main process only. An http(s) link goes to the person's browser instead; one of
 * our own pages (the header's "Wall mode" link) is handed to the shell, which opens its own
 * window for it (the wall window for `?mode=wall`).
 */
export function windowOpenDecision(
  url: unknown,
  isOwnPage: (url: unknown) => boolean,
): {
  readonly action: 'deny'
  readonly openExternally: string | null
  readonly ownPage: string | null
} {
  const own = isOwnPage(url) && typeof url === 'string' ? new URL(url).href : null
  return { action: 'deny', openExternally: own === null ? externalUrl(url) : null, ownPage: own }
}

/**
 * Permission requests and checks: notifications for our own pages, nothing else (camera,
 * microphone, geolocation, clipboard, HID, serial, USB, MIDI, fullscreen by script, …) and
 * nothing for any other origin.
 */
export function permissionAllowed(
  permission: string,
  requestingUrl: unknown,
  isOwnPage: (url: unknown) => boolean,
): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isOwnPage(requestingUrl)
}

/**
 * Whether an IPC message may be served: its sender frame exists, is the top frame of its page
 * (no subframe of ours may call; the page has none), and shows one of our own pages.
 */
export interface SenderFrameLike {
  readonly url: string
  readonly parent?: unknown
}
export function isTrustedSender(
  frame: SenderFrameLike | null | undefined,
  isOwnPage: (url: string) => boolean,
): boolean {
  if (frame === null || frame === undefined) return false
  if (frame.parent !== undefined && frame.parent !== null) return false
  return isOwnPage(frame.url)
}

/**
 * Every window's webPreferences: isolated, sandboxed, no Node anywhere in the page, no
 * <webview>, web security on. The one place they are written; a test reads this function and
 * the live window's settings are read back by the _electron suite.
 */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    // A middle click opens links in a new window; none is ever created, so none is asked for.
    disableBlinkFeatures: 'Auxclick',
    safeDialogs: true,
    spellcheck: false,
  } as const
}
