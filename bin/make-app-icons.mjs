#!/usr/bin/env node
// Writes the application icon in every size the installers need (issue 15),
// from its one source, the page's icon renderer/public/favicon.svg:
//
//   resources/icons/<N>x<N>.png   N = 16 … 1024: the Linux set (AppImage, deb,
//                                 the desktop entry), named as electron-builder
//                                 wants them; 256 also serves the window
//   resources/icon.ico            Windows (the exe, NSIS): 16–48 as 32-bit
//                                 bitmaps, 64–256 as PNG
//   resources/icon.icns           macOS (the app, the DMG): PNG entries 16–1024,
//                                 with the @2x ones
//
//   node bin/make-app-icons.mjs [--out DIR]
//
// No image tool is a dependency and none is needed: the source uses only
// <rect rx> and <circle> with fill, stroke and opacities, which are drawn here
// with exact anti-aliasing (each pixel covered by the shape's signed distance),
// and the containers (PNG through zlib, ICO, ICNS) are written byte by byte.
// Any other SVG element stops the script with its name, so a redrawn source
// never yields a silently wrong icon. The outputs are committed; the unit test
// tests/unit/packaging-icons.test.ts checks that they are this script's output.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The icon's source: the page's own icon, so the app and the page look alike. */
export const ICON_SOURCE = 'renderer/public/favicon.svg'

/** The Linux set (also the sizes drawn for the other containers). */
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]

/** Sizes in icon.ico; below 64 as bitmaps (crisp in every Windows shell), above as PNG. */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
const ICO_PNG_FROM = 64

/** icon.icns entries: type → pixel size (the ic11–ic14 types are the @2x of 16–256). */
export const ICNS_TYPES = /** @type {const} */ ({
  icp4: 16,
  icp5: 32,
  icp6: 64,
  ic07: 128,
  ic08: 256,
  ic09: 512,
  ic10: 1024,
  ic11: 32,
  ic12: 64,
  ic13: 256,
  ic14: 512,
})

// --- the source ------------------------------------------------------------

/**
 * @typedef {{ r: number, g: number, b: number }} Rgb
 * @typedef {{ kind: 'rect', x: number, y: number, width: number, height: number, rx: number }
 *   | { kind: 'circle', cx: number, cy: number, r: number }} Geometry
 * @typedef {{ geometry: Geometry, fill: Rgb | null, fillOpacity: number,
 *   stroke: Rgb | null, strokeOpacity: number, strokeWidth: number }} Shape
 * @typedef {{ viewBox: [number, number, number, number], shapes: Shape[] }} Drawing
 */

/** @param {string} value @returns {Rgb | null} */
function colour(value) {
  if (value === 'none') return null
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value)
  if (!hex?.[1])
    throw new Error(`make-app-icons: unsupported colour "${value}" (use #rgb or #rrggbb)`)
  const digits = hex[1].length === 3 ? [...hex[1]].map((d) => d + d).join('') : hex[1]
  return {
    r: parseInt(digits.slice(0, 2), 16),
    g: parseInt(digits.slice(2, 4), 16),
    b: parseInt(digits.slice(4, 6), 16),
  }
}

/**
 * Reads the subset of SVG the icon uses: one <svg> with a viewBox, then <rect>
 * and <circle> elements. Throws, naming it, on anything else.
 * @param {string} svg
 * @returns {Drawing}
 */
export function parseIcon(svg) {
  const tags = [...svg.matchAll(/<\s*([a-zA-Z][\w:-]*)([^>]*?)\/?>/g)]
  /** @type {[number, number, number, number] | null} */
  let viewBox = null
  /** @type {Shape[]} */
  const shapes = []
  for (const [, name, rawAttributes] of tags) {
    /** @type {Record<string, string>} */
    const attributes = {}
    for (const [, key, value] of (rawAttributes ?? '').matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) {
      attributes[/** @type {string} */ (key)] = /** @type {string} */ (value)
    }
    const number = (/** @type {string} */ key, fallback = 0) => {
      const text = attributes[key]
      if (text === undefined) return fallback
      const value = Number(text)
      if (!Number.isFinite(value)) throw new Error(`make-app-icons: <${name} ${key}="${text}">`)
      return value
    }
    if (name === 'svg') {
      const box = (attributes.viewBox ?? '')
        .trim()
        .split(/[\s,]+/)
        .map(Number)
      if (box.length !== 4 || box.some((n) => !Number.isFinite(n))) {
        throw new Error('make-app-icons: the <svg> needs a viewBox of four numbers')
      }
      viewBox = /** @type {[number, number, number, number]} */ (box)
      continue
    }
    /** @type {Geometry} */
    let geometry
    if (name === 'rect') {
      geometry = {
        kind: 'rect',
        x: number('x'),
        y: number('y'),
        width: number('width'),
        height: number('height'),
        rx: number('rx', number('ry')),
      }
    } else if (name === 'circle') {
      geometry = { kind: 'circle', cx: number('cx'), cy: number('cy'), r: number('r') }
    } else {
      throw new Error(
        `make-app-icons: <${name}> in ${ICON_SOURCE} is not drawn by this script (it draws <rect> and <circle>); extend it or redraw the source`,
      )
    }
    shapes.push({
      geometry,
      fill: colour(attributes.fill ?? '#000000'),
      fillOpacity: number('fill-opacity', 1) * number('opacity', 1),
      stroke: attributes.stroke ? colour(attributes.stroke) : null,
      strokeOpacity: number('stroke-opacity', 1) * number('opacity', 1),
      strokeWidth: number('stroke-width', 1),
    })
  }
  if (!viewBox) throw new Error(`make-app-icons: no <svg viewBox> in ${ICON_SOURCE}`)
  return { viewBox, shapes }
}

// --- drawing ---------------------------------------------------------------

/** Signed distance (in source units) from (x, y) to the geometry's outline; < 0 inside. */
function distance(/** @type {Geometry} */ g, /** @type {number} */ x, /** @type {number} */ y) {
  if (g.kind === 'circle') return Math.hypot(x - g.cx, y - g.cy) - g.r
  const rx = Math.min(g.rx, g.width / 2, g.height / 2)
  const qx = Math.abs(x - (g.x + g.width / 2)) - (g.width / 2 - rx)
  const qy = Math.abs(y - (g.y + g.height / 2)) - (g.height / 2 - rx)
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - rx
}

/**
 * Draws the icon at size × size pixels: straight (not premultiplied) RGBA.
 * @param {Drawing} drawing
 * @param {number} size
 * @returns {Buffer}
 */
export function rasterize(drawing, size) {
  const [minX, minY, width, height] = drawing.viewBox
  const scale = size / Math.max(width, height)
  const pixels = Buffer.alloc(size * size * 4)
  // Premultiplied accumulation in floats, one pixel at a time.
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const x = minX + (px + 0.5) / scale
      const y = minY + (py + 0.5) / scale
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      const over = (/** @type {Rgb} */ c, /** @type {number} */ alpha) => {
        r = c.r * alpha + r * (1 - alpha)
        g = c.g * alpha + g * (1 - alpha)
        b = c.b * alpha + b * (1 - alpha)
        a = alpha + a * (1 - alpha)
      }
      for (const shape of drawing.shapes) {
        const d = distance(shape.geometry, x, y) * scale // in pixels
        if (shape.fill) {
          const coverage = Math.min(1, Math.max(0, 0.5 - d))
          if (coverage > 0) over(shape.fill, coverage * shape.fillOpacity)
        }
        if (shape.stroke && shape.strokeWidth > 0) {
          const half = (shape.strokeWidth * scale) / 2
          const coverage = Math.min(1, Math.max(0, 0.5 - (Math.abs(d) - half)))
          if (coverage > 0) over(shape.stroke, coverage * shape.strokeOpacity)
        }
      }
      const at = (py * size + px) * 4
      pixels[at] = a > 0 ? Math.round(r / a) : 0
      pixels[at + 1] = a > 0 ? Math.round(g / a) : 0
      pixels[at + 2] = a > 0 ? Math.round(b / a) : 0
      pixels[at + 3] = Math.round(a * 255)
    }
  }
  return pixels
}

// --- containers ------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

/** @param {Buffer} bytes */
function crc32(bytes) {
  let c = 0xffffffff
  for (const byte of bytes) c = /** @type {number} */ (CRC_TABLE[(c ^ byte) & 0xff]) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** @param {string} type @param {Buffer} data */
function pngChunk(type, data) {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

/**
 * A PNG file (8-bit RGBA, no filter) of straight RGBA pixels.
 * @param {Buffer} rgba @param {number} size
 */
export function encodePng(rgba, size) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size)
  for (let y = 0; y < size; y++) {
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

/** An ICO image entry as a 32-bit BGRA device-independent bitmap with its AND mask. */
function icoBitmap(/** @type {Buffer} */ rgba, /** @type {number} */ size) {
  const header = Buffer.alloc(40)
  header.writeUInt32LE(40, 0)
  header.writeInt32LE(size, 4)
  header.writeInt32LE(size * 2, 8) // colour rows, then the mask's
  header.writeUInt16LE(1, 12)
  header.writeUInt16LE(32, 14)
  const colours = Buffer.alloc(size * size * 4)
  const maskStride = Math.ceil(size / 32) * 4
  const mask = Buffer.alloc(maskStride * size)
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y // bottom-up
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4
      const to = (row * size + x) * 4
      colours[to] = /** @type {number} */ (rgba[from + 2])
      colours[to + 1] = /** @type {number} */ (rgba[from + 1])
      colours[to + 2] = /** @type {number} */ (rgba[from])
      colours[to + 3] = /** @type {number} */ (rgba[from + 3])
      if (rgba[from + 3] === 0) {
        const at = row * maskStride + (x >> 3)
        mask[at] = /** @type {number} */ (mask[at]) | (0x80 >> (x & 7))
      }
    }
  }
  return Buffer.concat([header, colours, mask])
}

/**
 * An ICO file of the given images.
 * @param {{ size: number, rgba: Buffer }[]} images
 */
export function encodeIco(images) {
  const head = Buffer.alloc(6 + images.length * 16)
  head.writeUInt16LE(0, 0)
  head.writeUInt16LE(1, 2) // icon
  head.writeUInt16LE(images.length, 4)
  let offset = head.length
  const bodies = images.map(({ size, rgba }, i) => {
    const body = size >= ICO_PNG_FROM ? encodePng(rgba, size) : icoBitmap(rgba, size)
    const at = 6 + i * 16
    head[at] = size >= 256 ? 0 : size
    head[at + 1] = size >= 256 ? 0 : size
    head.writeUInt16LE(1, at + 4) // planes
    head.writeUInt16LE(32, at + 6) // bits per pixel
    head.writeUInt32LE(body.length, at + 8)
    head.writeUInt32LE(offset, at + 12)
    offset += body.length
    return body
  })
  return Buffer.concat([head, ...bodies])
}

/**
 * An ICNS file of PNG entries.
 * @param {{ type: string, png: Buffer }[]} entries
 */
export function encodeIcns(entries) {
  const parts = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8)
    head.write(type, 0, 'latin1')
    head.writeUInt32BE(png.length + 8, 4)
    return Buffer.concat([head, png])
  })
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'latin1')
  head.writeUInt32BE(8 + parts.reduce((sum, part) => sum + part.length, 0), 4)
  return Buffer.concat([head, ...parts])
}

// --- the files -------------------------------------------------------------

/**
 * Every output file, path relative to the output folder → bytes.
 * @param {string} svg
 * @returns {Map<string, Buffer>}
 */
export function iconFiles(svg) {
  const drawing = parseIcon(svg)
  /** @type {Map<number, Buffer>} */
  const rgba = new Map()
  const at = (/** @type {number} */ size) => {
    let pixels = rgba.get(size)
    if (!pixels) rgba.set(size, (pixels = rasterize(drawing, size)))
    return pixels
  }
  /** @type {Map<number, Buffer>} */
  const pngs = new Map()
  const png = (/** @type {number} */ size) => {
    let bytes = pngs.get(size)
    if (!bytes) pngs.set(size, (bytes = encodePng(at(size), size)))
    return bytes
  }
  /** @type {Map<string, Buffer>} */
  const files = new Map()
  for (const size of LINUX_SIZES) files.set(`icons/${size}x${size}.png`, png(size))
  files.set('icon.ico', encodeIco(ICO_SIZES.map((size) => ({ size, rgba: at(size) }))))
  files.set(
    'icon.icns',
    encodeIcns(Object.entries(ICNS_TYPES).map(([type, size]) => ({ type, png: png(size) }))),
  )
  return files
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const outIndex = process.argv.indexOf('--out')
  const out =
    outIndex > 0 && process.argv[outIndex + 1]
      ? resolve(process.argv[outIndex + 1])
      : join(root, 'resources')
  for (const [name, bytes] of iconFiles(readFileSync(join(root, ICON_SOURCE), 'utf8'))) {
    mkdirSync(dirname(join(out, name)), { recursive: true })
    writeFileSync(join(out, name), bytes)
  }
  process.stdout.write(
    `make-app-icons: ${relative(root, out) || out}/icons/{${LINUX_SIZES.map((s) => `${s}x${s}`).join(',')}}.png, icon.ico, icon.icns from ${ICON_SOURCE}\n`,
  )
}
