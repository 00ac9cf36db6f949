// The app icon in every size (issue 15, "Installers"): bin/make-app-icons.mjs
// draws renderer/public/favicon.svg into the Linux PNG set, icon.ico and
// icon.icns under resources/. The committed files must be its current output,
// each container readable and holding the sizes it claims.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { icnsEntries, icoEntries, pngHeader, pngPixels } from './packaging-image-files.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

interface IconsModule {
  ICON_SOURCE: string
  LINUX_SIZES: number[]
  ICO_SIZES: number[]
  ICNS_TYPES: Record<string, number>
  iconFiles(svg: string): Map<string, Buffer>
  parseIcon(svg: string): unknown
}
const icons = (await import(
  pathToFileURL(join(root, 'bin', 'make-app-icons.mjs')).href
)) as IconsModule

const source = readFileSync(join(root, icons.ICON_SOURCE), 'utf8')
const generated = icons.iconFiles(source)

const scratch = mkdtempSync(join(tmpdir(), 'watchfloor-icons-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('the committed icons', () => {
  it('are exactly what the script makes from the source today', () => {
    for (const [name, bytes] of generated) {
      expect(readFileSync(join(root, 'resources', name)).equals(bytes), name).toBe(true)
    }
    // Nothing stale beside them in the Linux set.
    expect(readdirSync(join(root, 'resources', 'icons')).sort()).toEqual(
      icons.LINUX_SIZES.map((size) => `${size}x${size}.png`).sort(),
    )
  })

  it('the script run as a command writes the same files', () => {
    execFileSync(process.execPath, [join(root, 'bin', 'make-app-icons.mjs'), '--out', scratch])
    for (const [name, bytes] of generated) {
      expect(readFileSync(join(scratch, name)).equals(bytes), name).toBe(true)
    }
  })
})

describe('the Linux set', () => {
  it('has every size from 16 to 1024 px, square, 8-bit RGBA, named by its size', () => {
    expect(icons.LINUX_SIZES).toEqual(expect.arrayContaining([16, 32, 48, 64, 128, 256, 512, 1024]))
    for (const size of icons.LINUX_SIZES) {
      const header = pngHeader(
        readFileSync(join(root, 'resources', 'icons', `${size}x${size}.png`)),
      )
      expect(header).toEqual({ width: size, height: size, bitDepth: 8, colourType: 6 })
    }
  })

  it('draws the source: transparent corners (rx 8), the dark tile, the blue centre dot', () => {
    const { rgba, width } = pngPixels(readFileSync(join(root, 'resources', 'icons', '256x256.png')))
    const at = (x: number, y: number) => [
      ...rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 4),
    ]
    expect(at(0, 0)[3]).toBe(0) // outside the rounded corner
    expect(at(255, 255)[3]).toBe(0)
    expect(at(128, 8)).toEqual([0x12, 0x1a, 0x2a, 255]) // the tile (#121a2a)
    expect(at(128, 128)).toEqual([0x5c, 0xb4, 0xff, 255]) // the centre (#5cb4ff)
    // The ring: #5cb4ff at 35 % over the tile, between r 7.5 and 10.5 units (×8 px).
    const ring = at(128, 128 - 9 * 8)
    expect(ring[3]).toBe(255)
    expect(ring[2]).toBeGreaterThan(0x2a)
    expect(ring[2]).toBeLessThan(0xff)
  })
})

describe('icon.ico (Windows: the exe, the installer)', () => {
  const entries = icoEntries(readFileSync(join(root, 'resources', 'icon.ico')))
  it('holds 16 to 256 px, each image the size its directory entry says', () => {
    expect(entries.map((entry) => entry.size)).toEqual(icons.ICO_SIZES)
    expect(icons.ICO_SIZES).toEqual(expect.arrayContaining([16, 24, 32, 48, 256]))
    for (const entry of entries) {
      expect(entry.imageWidth).toBe(entry.size)
      expect(entry.imageHeight).toBe(entry.size)
      expect(entry.bitsPerPixel).toBe(32)
    }
  })

  it('keeps the small sizes as bitmaps and the large ones as PNG', () => {
    for (const entry of entries) expect(entry.format).toBe(entry.size < 64 ? 'bmp' : 'png')
  })
})

describe('icon.icns (macOS: the app, the DMG)', () => {
  it('holds every type the script claims, each PNG of its size, up to 1024 px', () => {
    const entries = icnsEntries(readFileSync(join(root, 'resources', 'icon.icns')))
    expect(entries.map(({ type, width, height }) => [type, width, height])).toEqual(
      Object.entries(icons.ICNS_TYPES).map(([type, size]) => [type, size, size]),
    )
    expect(entries.map((entry) => entry.width)).toContain(1024)
  })
})

describe('the source reader', () => {
  it('refuses what it cannot draw, naming it, rather than drawing it wrong', () => {
    expect(() => icons.parseIcon('<svg viewBox="0 0 32 32"><path d="M0 0L1 1"/></svg>')).toThrow(
      /<path>/,
    )
    expect(() => icons.parseIcon('<svg><rect width="1" height="1"/></svg>')).toThrow(/viewBox/)
    expect(() =>
      icons.parseIcon('<svg viewBox="0 0 1 1"><rect width="1" height="1" fill="red"/></svg>'),
    ).toThrow(/colour "red"/)
  })
})
