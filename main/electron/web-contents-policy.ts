// The security policy applied to every webContents the app creates (`web-contents-created`:
// windows, and anything a page might make) and to the session's permission handlers. Written
// against structural stand-ins for WebContents and Session (STYLE.md 4, "inject the
// platform"), so tests/unit/electron-web-contents-policy.test.ts drives it with an
// EventEmitter under Node; main/index.ts passes the real objects.
import {
  navigationDecision,
  permissionAllowed,
  windowOpenDecision,
  type NavigationDecision,
} from './security-policy.ts'

/** What a navigation event carries (Electron's Event<WebContentsWillNavigateEventParams> …). */
export interface NavigationEventLike {
  readonly url?: string
  preventDefault(): void
}

/** The part of Electron's WebContents the policy uses. */
export interface WebContentsLike {
  on(event: string, listener: (event: NavigationEventLike) => void): unknown
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void
}

/** The part of Electron's Session the policy uses. */
export interface SessionLike {
  setPermissionRequestHandler(
    handler: (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { readonly requestingUrl?: string },
    ) => void,
  ): void
  setPermissionCheckHandler(
    handler: (contents: unknown, permission: string, requestingOrigin: string) => boolean,
  ): void
}

export interface ContentsPolicyOptions {
  readonly isOwnPage: (url: unknown) => boolean
  /** The one validated way out (security-policy.ts openExternal, over shell.openExternal). */
  readonly openExternal: (url: string) => void
  /** A page asked for a window on one of our own pages: the shell opens its own (the wall). */
  readonly openOwnPage?: (url: string) => void
  readonly log: (line: string) => void
}

/** Navigation events stopped unless they go to one of our own pages. */
export const GUARDED_NAVIGATIONS = [
  'will-navigate',
  'will-redirect',
  'will-frame-navigate',
] as const

/** Where a refused URL was going, for the log: its scheme and host, never its query. */
function where(url: unknown): string {
  try {
    const parsed = new URL(String(url))
    return `${parsed.protocol}//${parsed.host}`
  } catch {
    return 'an unreadable address'
  }
}

/**
 * Applies the policy to one webContents: navigations, redirects and frame navigations to
 * anything but our own pages are stopped (a main-frame http(s) link is offered to the person's
 * browser through openExternal instead); no new window is ever created by a page; no
 * <webview> is ever attached.
 */
export function applyContentsPolicy(
  contents: WebContentsLike,
  options: ContentsPolicyOptions,
): void {
  for (const name of GUARDED_NAVIGATIONS) {
    contents.on(name, (event) => {
      const decision: NavigationDecision = navigationDecision(event.url, options.isOwnPage)
      if (decision.allow) return
      event.preventDefault()
      options.log(`security: ${name} to ${where(event.url)} refused`)
      // Only the main frame's own navigation is a link the person followed; a redirect or a
      // frame's navigation is the page's doing and goes nowhere.
      if (name === 'will-navigate' && decision.openExternally !== null)
        options.openExternal(decision.openExternally)
    })
  }
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    options.log('security: a <webview> was refused')
  })
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url, options.isOwnPage)
    if (decision.openExternally !== null) options.openExternal(decision.openExternally)
    else if (decision.ownPage !== null && options.openOwnPage) options.openOwnPage(decision.ownPage)
    else options.log(`security: a new window for ${where(url)} refused`)
    return { action: decision.action }
  })
}

/** Permission requests and checks: notifications for our own pages, nothing else for anyone. */
export function applySessionPolicy(
  session: SessionLike,
  isOwnPage: (url: unknown) => boolean,
): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(permissionAllowed(permission, details.requestingUrl, isOwnPage)),
  )
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionAllowed(permission, requestingOrigin, isOwnPage),
  )
}
