// The policy every webContents gets (main/electron/web-contents-policy.ts), driven through a
// structural stand-in for WebContents (an EventEmitter with setWindowOpenHandler) and one for
// Session: events are emitted as Electron emits them and the handlers' answers are read back.
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { APP_ENTRY_URL, APP_ORIGIN, ownPageCheck } from '../../main/electron/security-policy.ts'
import {
  GUARDED_NAVIGATIONS,
  applyContentsPolicy,
  applySessionPolicy,
  type SessionLike,
  type WebContentsLike,
} from '../../main/electron/web-contents-policy.ts'

class StandInContents extends EventEmitter implements WebContentsLike {
  openHandler: ((details: { readonly url: string }) => { action: 'deny' }) | null = null
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }) {
    this.openHandler = handler
  }
  /** Emits `name` as Electron does and says whether a listener prevented it. */
  attempt(name: string, url?: string): boolean {
    let prevented = false
    this.emit(name, { url, preventDefault: () => (prevented = true) })
    return prevented
  }
}

function setUp() {
  const contents = new StandInContents()
  const opened: string[] = []
  const ownPages: string[] = []
  const lines: string[] = []
  applyContentsPolicy(contents, {
    isOwnPage: ownPageCheck(),
    openExternal: (url) => opened.push(url),
    openOwnPage: (url) => ownPages.push(url),
    log: (line) => lines.push(line),
  })
  return { contents, opened, ownPages, lines }
}

describe('every webContents', () => {
  it('guards navigation, redirects and frame navigation', () => {
    const { contents } = setUp()
    for (const name of GUARDED_NAVIGATIONS) {
      expect(contents.listenerCount(name)).toBe(1)
      expect(contents.attempt(name, `${APP_ENTRY_URL}?view=alerts`)).toBe(false)
      for (const hostile of [
        'https://evil.example/?next=app://watchfloor',
        'file:///etc/passwd',
        'javascript:alert(1)',
        'data:text/html,<script>1</script>',
        'app://user@watchfloor/',
        'app://watchfloor.evil.example/',
        'http://localhost:5173/',
        undefined,
      ])
        expect(contents.attempt(name, hostile), `${name} ${String(hostile)}`).toBe(true)
    }
  })

  it('offers a followed http(s) link to the browser, never a redirect or a frame', () => {
    const { contents, opened } = setUp()
    contents.attempt('will-navigate', 'https://example.com/help')
    contents.attempt('will-redirect', 'https://example.com/redirected')
    contents.attempt('will-frame-navigate', 'https://example.com/frame')
    contents.attempt('will-navigate', 'file:///etc/passwd')
    expect(opened).toEqual(['https://example.com/help'])
  })

  it('never opens a window; links go to the browser through the one validated function', () => {
    const { contents, opened, lines } = setUp()
    expect(contents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    expect(contents.openHandler?.({ url: APP_ENTRY_URL })).toEqual({ action: 'deny' })
    expect(contents.openHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    expect(contents.openHandler?.({ url: 'file:///C:/Windows/calc.exe' })).toEqual({
      action: 'deny',
    })
    expect(opened).toEqual(['https://example.com/'])
    expect(lines.join('\n')).toMatch(/new window .* refused/)
  })

  it("hands a window on our own page (the header's Wall mode link) to the shell", () => {
    const { contents, opened, ownPages } = setUp()
    const wall = `${APP_ENTRY_URL}?f=source%3DGoogle&mode=wall`
    expect(contents.openHandler?.({ url: wall })).toEqual({ action: 'deny' })
    expect(contents.openHandler?.({ url: 'app://user@watchfloor/?mode=wall' })).toEqual({
      action: 'deny',
    })
    expect(ownPages).toEqual([wall])
    expect(opened).toEqual([])
  })

  it('attaches no webview', () => {
    const { contents, lines } = setUp()
    expect(contents.attempt('will-attach-webview')).toBe(true)
    expect(lines).toEqual(['security: a <webview> was refused'])
  })

  it('logs where a refused navigation went without its query', () => {
    const { contents, lines } = setUp()
    contents.attempt('will-navigate', 'https://evil.example/steal?token=s3cret')
    expect(lines).toEqual(['security: will-navigate to https://evil.example refused'])
  })
})

describe('the session', () => {
  it('grants notifications to our page and nothing else', () => {
    let request: Parameters<SessionLike['setPermissionRequestHandler']>[0] | null = null
    let check: Parameters<SessionLike['setPermissionCheckHandler']>[0] | null = null
    applySessionPolicy(
      {
        setPermissionRequestHandler: (h) => void (request = h),
        setPermissionCheckHandler: (h) => void (check = h),
      },
      ownPageCheck(),
    )
    const ask = (permission: string, requestingUrl?: string) => {
      let granted: boolean | null = null
      request!(null, permission, (g) => (granted = g), { requestingUrl })
      return granted
    }
    expect(ask('notifications', APP_ENTRY_URL)).toBe(true)
    expect(ask('notifications', 'https://evil.example/')).toBe(false)
    expect(ask('notifications')).toBe(false)
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'hid', 'openExternal'])
      expect(ask(permission, APP_ENTRY_URL)).toBe(false)
    expect(check!(null, 'notifications', APP_ORIGIN)).toBe(true)
    expect(check!(null, 'notifications', 'https://evil.example')).toBe(false)
    expect(check!(null, 'media', APP_ORIGIN)).toBe(false)
  })
})
