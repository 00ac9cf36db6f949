// The app's protocol (main/electron/app-files.ts) over a real folder: the built renderer is
// served from app://watchfloor with its content types and the one CSP; paths that climb out,
// encoded tricks, links out of the folder and other origins get nothing.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appFileFor, serveAppRequest } from '../../main/electron/app-files.ts'
import { contentSecurityPolicy } from '../../shared/api/content-security.ts'
import { pageBuild } from '../../renderer/vite.config.ts'
import { tempDir } from '../support/temp.ts'

const temp = tempDir('watchfloor-app-files-')
const root = join(temp.dir, 'renderer')
const get = (url: string, method = 'GET') => serveAppRequest(root, { url, method })

beforeAll(() => {
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Watchfloor</title>')
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'export const x = 1')
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}')
  writeFileSync(join(root, 'favicon.svg'), '<svg/>')
  writeFileSync(join(root, 'assets', 'blob.bin'), 'x')
  writeFileSync(join(temp.dir, 'secret.txt'), 'the password')
  symlinkSync(join(temp.dir, 'secret.txt'), join(root, 'assets', 'link.txt'))
  symlinkSync(temp.dir, join(root, 'up'))
})
afterAll(() => temp.cleanup())

describe('the app protocol', () => {
  it.each([
    ['app://watchfloor/index.html', 'text/html; charset=utf-8', 'Watchfloor'],
    ['app://watchfloor/', 'text/html; charset=utf-8', 'Watchfloor'],
    ['app://watchfloor/index.html?mode=wall&playlist=overview', 'text/html; charset=utf-8', ''],
    ['app://watchfloor/alerts', 'text/html; charset=utf-8', 'Watchfloor'],
    ['app://watchfloor/assets/index-abc.js', 'text/javascript; charset=utf-8', 'export'],
    ['app://watchfloor/assets/index-abc.css', 'text/css; charset=utf-8', 'body'],
    ['app://watchfloor/favicon.svg', 'image/svg+xml', '<svg'],
    ['app://watchfloor/assets/blob.bin', 'application/octet-stream', 'x'],
  ])('serves %s as %s', async (url, type, text) => {
    const response = await get(url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(type)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy())
    expect(await response.text()).toContain(text)
  })

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://watchfloor/index.html', 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    const post = await get('app://watchfloor/index.html', 'POST')
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })

  it.each([
    'app://watchfloor/../secret.txt',
    'app://watchfloor/%2e%2e/secret.txt',
    'app://watchfloor/%2E%2E%2Fsecret.txt',
    'app://watchfloor/assets/%2e%2e/%2e%2e/secret.txt',
    'app://watchfloor/..%2fsecret.txt',
    'app://watchfloor/..%5csecret.txt',
    'app://watchfloor/assets%5c..%5c..%5csecret.txt',
    'app://watchfloor/%252e%252e/secret.txt',
    'app://watchfloor/index.html%00.js',
    'app://watchfloor/%E0%A4%A',
    'app://watchfloor/assets/link.txt',
    'app://watchfloor/up/secret.txt',
    'app://watchfloor/missing.js',
    'app://evil.example/index.html',
    'app://user@watchfloor/index.html',
    'app://watchfloor:99/index.html',
    'https://watchfloor/index.html',
    'file:///etc/passwd',
  ])('gives nothing for %s', async (url) => {
    const response = await get(url)
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain('password')
  })

  it('never resolves a path outside the folder', () => {
    for (const url of [
      'app://watchfloor/../../etc/passwd',
      'app://watchfloor//etc/passwd',
      'app://watchfloor/%2F%2Fetc%2Fpasswd',
    ]) {
      const file = appFileFor(root, url)
      expect(file === null || file.startsWith(`${root}/`)).toBe(true)
    }
  })

  it('says the renderer is not built when it is not', async () => {
    const empty = tempDir('watchfloor-app-empty-')
    try {
      const response = await serveAppRequest(empty.dir, {
        url: 'app://watchfloor/index.html',
        method: 'GET',
      })
      expect(response.status).toBe(503)
      expect(await response.text()).toMatch(/npm run build/)
    } finally {
      empty.cleanup()
    }
  })
})

describe('one content security policy', () => {
  const directives = (policy: string) => policy.split(';').map((d) => d.trim())

  it('the page meta and the header are the same policy; the header adds only frame-ancestors', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8')
    const metas = html.match(/http-equiv="Content-Security-Policy"/g) ?? []
    expect(metas).toHaveLength(1)
    const plugin = pageBuild.plugins.find(
      (p): p is typeof p & { transformIndexHtml: (h: string) => string } =>
        !!p && 'name' in p && p.name === 'watchfloor:csp',
    )
    expect(plugin).toBeDefined()
    const built = plugin!.transformIndexHtml(html)
    const meta = /content="([^"]+)"/.exec(
      built.slice(built.indexOf('http-equiv="Content-Security-Policy"')),
    )?.[1]
    expect(meta).toBe(contentSecurityPolicy({ meta: true }))
    const header = directives(contentSecurityPolicy())
    expect(header.filter((d) => !directives(meta!).includes(d))).toEqual(["frame-ancestors 'none'"])
  })

  it('allows no inline or eval script and no remote origin', () => {
    const policy = contentSecurityPolicy()
    const script = directives(policy).find((d) => d.startsWith('script-src'))
    expect(script).toBe("script-src 'self'")
    expect(policy).not.toMatch(/unsafe-eval|https?:|\*/)
    expect(directives(policy)).toContain("object-src 'none'")
  })
})

describe('any path at all', () => {
  // Pieces a hostile path is made of: climbs, encodings of them, separators, NUL, odd unicode.
  const piece = fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2E%2e',
    '%252e',
    '%2f',
    '%5c',
    '\\',
    '/',
    '//',
    '%00',
    'assets',
    'index.html',
    'secret.txt',
    '．．',
    '%c0%ae',
    '~',
    'up',
  )
  const pathOf = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('/'))

  it('resolves inside the folder or not at all', () => {
    fc.assert(
      fc.property(pathOf, fc.string({ maxLength: 20 }), (path, tail) => {
        const file = appFileFor(root, `app://watchfloor/${path}${encodeURIComponent(tail)}`)
        return file === null || file === join(root, 'index.html') || file.startsWith(`${root}/`)
      }),
      { numRuns: 2000 },
    )
  })

  it('never answers with a byte of a file outside the folder', async () => {
    await fc.assert(
      fc.asyncProperty(pathOf, async (path) => {
        const response = await get(`app://watchfloor/${path}`)
        return !(await response.text()).includes('the password')
      }),
      { numRuns: 300 },
    )
  })
})
