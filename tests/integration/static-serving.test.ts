// The built page over real HTTP from the real `watchfloor serve`: a file's precompressed form
// per Accept-Encoding (and never one without its file), the caching headers, 304s, HEAD and
// Range. The renderer here is a small build-shaped folder made by the test, so every case
// (an orphan .gz, a linked .br) is there on purpose; the real build's forms are checked in
// Chromium by tests/e2e/own-origin.spec.ts.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCli, type RunningCli } from '../support/cli.ts'
import { tempDir } from '../support/temp.ts'

const temp = tempDir('watchfloor-static-')
const renderer = join(temp.dir, 'renderer')
const script = Buffer.from(`export const answer = ${JSON.stringify('x'.repeat(4000))}\n`)
const page = Buffer.from('<!doctype html><html><title>Watchfloor</title><p>page</p></html>')
let serve: RunningCli
let base: string

interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: Buffer
}

/** One request exactly as given: no Accept-Encoding unless named, nothing decoded. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  const put = (name: string, content: Buffer) => writeFileSync(join(renderer, name), content)
  put('index.html', page)
  put('index.html.br', brotliCompressSync(page))
  put('index.html.gz', gzipSync(page))
  put('favicon.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))
  put('assets/app-B1f2aFDO.js', script)
  put('assets/app-B1f2aFDO.js.br', brotliCompressSync(script))
  put('assets/app-B1f2aFDO.js.gz', gzipSync(script))
  // A compressed form whose file is not there: never answered.
  put('assets/orphan-Zx9.js.gz', gzipSync(script))
  // A compressed form that is a link leaving the folder: never followed.
  put('assets/linked-Q1.js', script)
  put('assets/linked-Q1.js.gz', gzipSync(script))
  writeFileSync(join(temp.dir, 'outside.br'), brotliCompressSync(Buffer.from('outside')))
  symlinkSync(join(temp.dir, 'outside.br'), join(renderer, 'assets/linked-Q1.js.br'))

  serve = startCli(['serve', '--port', '0', '--no-demo', '--db', join(temp.dir, 'cache.sqlite')], {
    WATCHFLOOR_RENDERER_DIR: renderer,
  })
  base = (await serve.waitFor(/http:\/\/127\.0\.0\.1:\d+\//)).toString()
})

afterAll(async () => {
  serve?.child.kill('SIGTERM')
  await serve?.exited
  temp.cleanup()
})

const SCRIPT = '/assets/app-B1f2aFDO.js'

describe('watchfloor serve: the built page', () => {
  it('sends brotli to a client that takes it, with the immutable caching of a hashed asset', async () => {
    const answer = await get(SCRIPT, { 'accept-encoding': 'gzip, deflate, br' })
    expect(answer.status).toBe(200)
    expect(answer.headers['content-encoding']).toBe('br')
    expect(answer.headers.vary).toBe('Accept-Encoding')
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length)
    expect(answer.body.length).toBeLessThan(script.length / 10)
    expect(brotliDecompressSync(answer.body)).toEqual(script)
    // The security headers are on every answer, the CSP among them.
    expect(answer.headers['content-security-policy']).toContain("connect-src 'self'")
    expect(answer.headers['x-content-type-options']).toBe('nosniff')
  })

  it('picks the encoding by Accept-Encoding and its weights', async () => {
    const encodingFor = async (accept: string) =>
      (await get(SCRIPT, { 'accept-encoding': accept })).headers['content-encoding'] ?? 'identity'
    expect(await encodingFor('gzip')).toBe('gzip')
    expect(await encodingFor('gzip, deflate')).toBe('gzip')
    expect(await encodingFor('br;q=0.5, gzip')).toBe('gzip')
    expect(await encodingFor('BR;Q=1, gzip;q=0.8')).toBe('br')
    expect(await encodingFor('*')).toBe('br')
    expect(await encodingFor('*, br;q=0')).toBe('gzip')
    expect(await encodingFor('br;q=0, gzip;q=0')).toBe('identity')
    expect(await encodingFor('deflate, zstd')).toBe('identity')
    expect(await encodingFor('identity')).toBe('identity')
    const gzip = await get(SCRIPT, { 'accept-encoding': 'gzip' })
    expect(gunzipSync(gzip.body)).toEqual(script)
  })

  it('sends the file as it is to a client without Accept-Encoding', async () => {
    const answer = await get(SCRIPT)
    expect(answer.status).toBe(200)
    expect(answer.headers['content-encoding']).toBeUndefined()
    expect(answer.headers.vary).toBe('Accept-Encoding')
    expect(answer.body).toEqual(script)
    expect(Number(answer.headers['content-length'])).toBe(script.length)
  })

  it('revalidates the page every time (no-cache, an ETag per encoding, 304 while unchanged)', async () => {
    const first = await get('/', { 'accept-encoding': 'br' })
    expect(first.status).toBe(200)
    expect(first.headers['cache-control']).toBe('no-cache')
    expect(first.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(first.body)).toEqual(page)
    expect(first.headers['set-cookie']).toBeDefined()
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^W\/".+"$/)

    const again = await get('/', { 'accept-encoding': 'br', 'if-none-match': etag })
    expect(again.status).toBe(304)
    expect(again.body.length).toBe(0)
    expect(again.headers.etag).toBe(etag)
    expect(again.headers['cache-control']).toBe('no-cache')

    // The identity form is another representation: its own tag, so no 304 for the br one's.
    const plain = await get('/', { 'if-none-match': etag })
    expect(plain.status).toBe(200)
    expect(plain.body).toEqual(page)
    expect(plain.headers.etag).not.toBe(etag)
    // A route of the app is the page, with the page's caching.
    const route = await get('/overview', { 'accept-encoding': 'gzip' })
    expect([route.status, route.headers['cache-control']]).toEqual([200, 'no-cache'])
    expect(gunzipSync(route.body)).toEqual(page)
  })

  it('answers a file with no compressed form as it is, with no Vary', async () => {
    const answer = await get('/favicon.svg', { 'accept-encoding': 'br, gzip' })
    expect(answer.status).toBe(200)
    expect(answer.headers['content-encoding']).toBeUndefined()
    expect(answer.headers.vary).toBeUndefined()
    expect(answer.headers['content-type']).toBe('image/svg+xml')
  })

  it('never answers a compressed form without its file, nor under its own name', async () => {
    for (const accept of ['gzip', 'br, gzip', '']) {
      const orphan = await get('/assets/orphan-Zx9.js', accept ? { 'accept-encoding': accept } : {})
      expect(orphan.status).toBe(404)
    }
    for (const path of [
      '/assets/orphan-Zx9.js.gz',
      `${SCRIPT}.br`,
      `${SCRIPT}.gz`,
      '/index.html.br',
    ]) {
      expect((await get(path, { 'accept-encoding': 'br, gzip' })).status, path).toBe(404)
    }
  })

  it('follows no link to a compressed form: the next encoding is sent', async () => {
    const answer = await get('/assets/linked-Q1.js', { 'accept-encoding': 'br, gzip' })
    expect(answer.status).toBe(200)
    expect(answer.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(answer.body)).toEqual(script)
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await get(SCRIPT, { 'accept-encoding': 'br' }, 'HEAD')
    const full = await get(SCRIPT, { 'accept-encoding': 'br' })
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    for (const name of ['content-encoding', 'content-length', 'content-type', 'etag', 'vary']) {
      expect(head.headers[name], name).toBe(full.headers[name])
    }
  })

  it('answers a Range request with the whole file, saying it offers no ranges', async () => {
    for (const accept of ['br', '']) {
      const answer = await get(SCRIPT, {
        range: 'bytes=0-9',
        ...(accept ? { 'accept-encoding': accept } : {}),
      })
      expect(answer.status).toBe(200)
      expect(answer.headers['accept-ranges']).toBe('none')
      expect(answer.headers['content-range']).toBeUndefined()
      const body = accept ? brotliDecompressSync(answer.body) : answer.body
      expect(body).toEqual(script)
    }
  })

  it('still refuses paths outside the folder and other methods', async () => {
    expect((await get('/..%2f..%2fpackage.json')).status).toBe(404)
    expect((await get('/assets/..%2f..%2foutside.br', { 'accept-encoding': 'br' })).status).toBe(
      404,
    )
    expect((await get(SCRIPT, {}, 'POST')).status).toBe(405)
  })
})
