// The shell's security policy (main/electron/security-policy.ts) under Node, with hostile
// inputs: what counts as our page, which URLs may leave the app, navigation, new windows,
// permissions, IPC senders, the dev server rule and the window's webPreferences.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  MAX_EXTERNAL_URL_LENGTH,
  devServerUrlFor,
  externalUrl,
  isAppUrl,
  isTrustedSender,
  navigationDecision,
  openExternal,
  ownPageCheck,
  permissionAllowed,
  secureWebPreferences,
  windowOpenDecision,
} from '../../main/electron/security-policy.ts'

const ours = ownPageCheck()

describe('our own page', () => {
  it.each([
    APP_ENTRY_URL,
    `${APP_ORIGIN}/`,
    APP_ORIGIN,
    `${APP_ORIGIN}/index.html?mode=wall&playlist=overview,revenue`,
    `${APP_ORIGIN}/assets/index-abc.js`,
    'APP://WATCHFLOOR/index.html',
  ])('%s is the app', (url) => expect(isAppUrl(url)).toBe(true))

  it.each([
    'https://evil.example/?next=app://watchfloor',
    'https://evil.example/app://watchfloor/index.html',
    'https://watchfloor/index.html',
    'app://user@watchfloor/index.html',
    'app://user:pw@watchfloor/index.html',
    'app://watchfloor:8080/index.html',
    'app://watchfloor.evil.example/index.html',
    'app://evil.example/index.html',
    'app://watchfloorx/',
    'app:watchfloor/index.html',
    'file:///opt/watchfloor/out/renderer/index.html',
    'javascript:alert(1)//app://watchfloor',
    'data:text/html,<script>1</script>',
    'about:blank',
    '',
    'not a url',
  ])('%s is not', (url) => {
    expect(isAppUrl(url)).toBe(false)
    expect(ours(url)).toBe(false)
  })

  it('is not fooled by non-strings', () => {
    for (const value of [null, undefined, 42, {}, { href: APP_ENTRY_URL }, [APP_ENTRY_URL]])
      expect(isAppUrl(value)).toBe(false)
  })

  it('registers its scheme as standard and secure, never bypassing the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app')
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({
      standard: true,
      secure: true,
      bypassCSP: false,
    })
  })
})

describe('the dev server', () => {
  it('is honoured only in an app that is not packaged, and only on loopback http(s)', () => {
    expect(devServerUrlFor('http://localhost:5173', false)).toBe('http://localhost:5173/')
    expect(devServerUrlFor('http://127.0.0.1:5173/', false)).toBe('http://127.0.0.1:5173/')
    expect(devServerUrlFor('http://[::1]:5173/', false)).toBe('http://[::1]:5173/')
    expect(devServerUrlFor('http://localhost:5173', true)).toBeNull()
    expect(devServerUrlFor(undefined, false)).toBeNull()
    expect(devServerUrlFor('', false)).toBeNull()
    for (const hostile of [
      'https://evil.example/',
      'http://localhost.evil.example:5173/',
      'http://user@localhost:5173/',
      'file:///tmp/index.html',
      'javascript:alert(1)',
      'http://10.0.0.5:5173/',
    ])
      expect(devServerUrlFor(hostile, false)).toBeNull()
  })

  it('is trusted at its exact origin only', () => {
    const dev = ownPageCheck(devServerUrlFor('http://localhost:5173', false))
    expect(dev('http://localhost:5173/index.html')).toBe(true)
    expect(dev(APP_ENTRY_URL)).toBe(true)
    expect(dev('http://localhost:5174/')).toBe(false)
    expect(dev('https://localhost:5173/')).toBe(false)
    expect(dev('http://localhost:5173.evil.example/')).toBe(false)
    expect(dev('http://user@localhost:5173/')).toBe(false)
  })
})

describe('links opened outside the app', () => {
  it.each([
    ['https://example.com/docs', 'https://example.com/docs'],
    ['http://example.com', 'http://example.com/'],
    ['HTTPS://Example.COM/Path', 'https://example.com/Path'],
    ['https://evil.example/?next=app://watchfloor', 'https://evil.example/?next=app://watchfloor'],
  ])('%s opens as %s', (value, href) => expect(externalUrl(value)).toBe(href))

  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'JaVaScRiPt:alert(1)',
    'file:///etc/passwd',
    'FILE:///C:/Windows/System32/calc.exe',
    'data:text/html,<script>alert(1)</script>',
    'app://watchfloor/index.html',
    'vbscript:msgbox(1)',
    'smb://evil.example/share',
    'ms-msdt:/id PCWDiagnostic',
    'mailto:someone@example.com',
    'https://user@example.com/',
    'https://bank.example@evil.example/',
    'https://user:pw@example.com/',
    ' https://example.com/',
    'https://example.com/ ',
    'https://exa\tmple.com/',
    'https://example.com/\n',
    'https://example.com/\u0000',
    'https://example.com/\u202e',
    'https://example.com/\u00a0',
    'https://example.com/\u2066',
    'https://exa\u200bmple.com/',
    'https://example.com/\ufeff',
    'https://example.com/\u007f',
    'https:///path-only',
    'https:\\\\evil.example/',
    'https:/\\evil.example/',
    'https:evil.example',
    'https:',
    '//example.com/',
    '/relative/path',
    '',
    `https://example.com/${'a'.repeat(MAX_EXTERNAL_URL_LENGTH)}`,
  ])('refuses %j', (value) => expect(externalUrl(value)).toBeNull())

  it('refuses what is not a string', () => {
    for (const value of [null, undefined, 1, {}, new URL('https://example.com/')])
      expect(externalUrl(value)).toBeNull()
  })

  it('goes through one function that opens only what it validated', async () => {
    const opened: string[] = []
    const lines: string[] = []
    expect(openExternal('https://example.com/a', (u) => opened.push(u))).toBe(true)
    expect(
      openExternal(
        'file:///etc/passwd',
        (u) => opened.push(u),
        (l) => lines.push(l),
      ),
    ).toBe(false)
    expect(openExternal('javascript:alert(1)', (u) => opened.push(u))).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(opened).toEqual(['https://example.com/a'])
    expect(lines).toHaveLength(1)
  })

  it('reports a failing opener instead of throwing', async () => {
    const lines: string[] = []
    expect(
      openExternal(
        'https://example.com/',
        () => Promise.reject(new Error('no handler')),
        (l) => lines.push(l),
      ),
    ).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(lines[0]).toMatch(/could not be opened: no handler/)
  })
})

describe('navigation and new windows', () => {
  it('lets our own pages through and stops everything else', () => {
    expect(navigationDecision(`${APP_ENTRY_URL}?view=alerts`, ours)).toEqual({ allow: true })
    expect(navigationDecision('https://example.com/', ours)).toEqual({
      allow: false,
      openExternally: 'https://example.com/',
    })
    for (const hostile of [
      'https://evil.example/?next=app://watchfloor',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,x',
      'app://user@watchfloor/',
    ]) {
      const decision = navigationDecision(hostile, ours)
      expect(decision.allow).toBe(false)
    }
    expect(navigationDecision('file:///etc/passwd', ours)).toEqual({
      allow: false,
      openExternally: null,
    })
  })

  it('never creates a window; an http(s) link goes to the browser, our page to the shell', () => {
    expect(windowOpenDecision('https://example.com/', ours)).toEqual({
      action: 'deny',
      openExternally: 'https://example.com/',
      ownPage: null,
    })
    expect(windowOpenDecision(`${APP_ENTRY_URL}?mode=wall`, ours)).toEqual({
      action: 'deny',
      openExternally: null,
      ownPage: `${APP_ENTRY_URL}?mode=wall`,
    })
    for (const hostile of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'app://user@watchfloor/?mode=wall',
      'https://evil.example/?next=app://watchfloor/?mode=wall',
    ])
      expect(windowOpenDecision(hostile, ours)).toMatchObject({ action: 'deny', ownPage: null })
    expect(windowOpenDecision('javascript:alert(1)', ours).openExternally).toBeNull()
  })
})

describe('permissions', () => {
  it('grants notifications and clipboard writes to our own pages and nothing else to anyone', () => {
    expect(permissionAllowed('clipboard-sanitized-write', APP_ORIGIN, ours)).toBe(true)
    expect(permissionAllowed('clipboard-sanitized-write', 'https://evil.example', ours)).toBe(false)
    expect(permissionAllowed('notifications', APP_ORIGIN, ours)).toBe(true)
    expect(permissionAllowed('notifications', `${APP_ENTRY_URL}?view=x`, ours)).toBe(true)
    expect(permissionAllowed('notifications', 'https://evil.example', ours)).toBe(false)
    expect(permissionAllowed('notifications', undefined, ours)).toBe(false)
    for (const permission of [
      'media',
      'geolocation',
      'clipboard-read',
      'fullscreen',
      'openExternal',
      'pointerLock',
      'hid',
      'serial',
      'usb',
      'midiSysex',
      'display-capture',
      'unknown',
      'Notifications',
    ])
      expect(permissionAllowed(permission, APP_ORIGIN, ours)).toBe(false)
  })
})

describe('IPC senders', () => {
  it('accepts the top frame of our own page only', () => {
    expect(isTrustedSender({ url: APP_ENTRY_URL, parent: null }, ours)).toBe(true)
    expect(isTrustedSender({ url: APP_ENTRY_URL }, ours)).toBe(true)
    expect(isTrustedSender({ url: APP_ENTRY_URL, parent: { url: APP_ENTRY_URL } }, ours)).toBe(
      false,
    )
    expect(isTrustedSender({ url: 'https://evil.example/?next=app://watchfloor' }, ours)).toBe(
      false,
    )
    expect(isTrustedSender({ url: 'file:///opt/watchfloor/out/renderer/index.html' }, ours)).toBe(
      false,
    )
    expect(isTrustedSender(null, ours)).toBe(false)
    expect(isTrustedSender(undefined, ours)).toBe(false)
  })
})

describe('window options', () => {
  it('isolate and sandbox the page, with no Node and no webview', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs')
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
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
      disableBlinkFeatures: 'Auxclick',
    })
  })
})

describe('any string at all', () => {
  // Strings near the boundary: schemes, authorities and tricks glued together at random.
  const part = fc.constantFrom(
    'https:',
    'http:',
    'HTTPS:',
    'app:',
    'javascript:',
    'file:',
    '//',
    '/',
    '\\\\',
    'evil.example',
    'watchfloor',
    'user@',
    'user:pw@',
    ':8080',
    '?next=app://watchfloor',
    '#',
    '%0a',
    '\t',
    ' ',
    '\u202e',
    '.',
  )
  const hostile = fc.oneof(
    fc.array(part, { maxLength: 8 }).map((p) => p.join('')),
    fc.string({ maxLength: 40 }),
  )

  it('is opened outside only as a normalised http(s) address with a host and no credentials', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const href = externalUrl(value)
        if (href === null) return true
        const url = new URL(href)
        return (
          (url.protocol === 'https:' || url.protocol === 'http:') &&
          url.hostname !== '' &&
          url.username === '' &&
          url.password === '' &&
          url.href === href &&
          !isAppUrl(href)
        )
      }),
      { numRuns: 5000 },
    )
  })

  it('is our page only with the app scheme and host exactly, and no credentials or port', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        if (!ours(value)) return true
        const url = new URL(value)
        return (
          url.protocol === 'app:' &&
          url.hostname.toLowerCase() === 'watchfloor' &&
          url.username === '' &&
          url.password === '' &&
          url.port === ''
        )
      }),
      { numRuns: 5000 },
    )
  })
})
