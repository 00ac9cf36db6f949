// Readers of the icon containers (PNG, ICO, ICNS) for the packaging tests:
// written from the formats' layouts, independently of bin/make-app-icons.mjs.
import { inflateSync } from 'node:zlib'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export interface PngHeader {
  readonly width: number
  readonly height: number
  readonly bitDepth: number
  readonly colourType: number
}

/** The IHDR of a PNG file (throws if the bytes are not one). */
export function pngHeader(bytes: Buffer): PngHeader {
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG signature')
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR first')
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes[24] ?? -1,
    colourType: bytes[25] ?? -1,
  }
}

/** The RGBA pixels of an 8-bit RGBA PNG with filter type 0 on every row (what the script writes). */
export function pngPixels(bytes: Buffer): { width: number; height: number; rgba: Buffer } {
  const header = pngHeader(bytes)
  if (header.bitDepth !== 8 || header.colourType !== 6) throw new Error('not 8-bit RGBA')
  const idat: Buffer[] = []
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at)
    const type = bytes.toString('latin1', at + 4, at + 8)
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length))
    at += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = header.width * 4 + 1
  const rgba = Buffer.alloc(header.width * header.height * 4)
  for (let y = 0; y < header.height; y++) {
    if (raw[y * stride] !== 0) throw new Error(`row ${y} uses a PNG filter this reader skips`)
    raw.copy(rgba, y * header.width * 4, y * stride + 1, (y + 1) * stride)
  }
  return { width: header.width, height: header.height, rgba }
}

export interface IcoEntry {
  /** Size from the directory (0 there means 256). */
  readonly size: number
  readonly bitsPerPixel: number
  readonly format: 'png' | 'bmp'
  /** Size read from the image itself (PNG IHDR or the bitmap header). */
  readonly imageWidth: number
  readonly imageHeight: number
}

export function icoEntries(bytes: Buffer): IcoEntry[] {
  if (bytes.readUInt16LE(0) !== 0 || bytes.readUInt16LE(2) !== 1) throw new Error('not an ICO')
  const count = bytes.readUInt16LE(4)
  return Array.from({ length: count }, (_, i) => {
    const at = 6 + i * 16
    const size = bytes[at] === 0 ? 256 : (bytes[at] ?? 0)
    const length = bytes.readUInt32LE(at + 8)
    const offset = bytes.readUInt32LE(at + 12)
    const image = bytes.subarray(offset, offset + length)
    if (image.length !== length) throw new Error(`ICO entry ${i} runs past the file`)
    if (image.subarray(0, 8).equals(PNG_SIGNATURE)) {
      const png = pngHeader(image)
      return {
        size,
        bitsPerPixel: bytes.readUInt16LE(at + 6),
        format: 'png',
        imageWidth: png.width,
        imageHeight: png.height,
      }
    }
    if (image.readUInt32LE(0) !== 40) throw new Error(`ICO entry ${i} is neither PNG nor a DIB`)
    const width = image.readInt32LE(4)
    const height = image.readInt32LE(8) / 2 // colour rows and mask rows
    const bpp = image.readUInt16LE(14)
    const maskStride = Math.ceil(width / 32) * 4
    if (length !== 40 + width * height * (bpp / 8) + maskStride * height) {
      throw new Error(`ICO entry ${i}: bitmap of ${length} bytes does not fit ${width}×${height}`)
    }
    return {
      size,
      bitsPerPixel: bytes.readUInt16LE(at + 6),
      format: 'bmp',
      imageWidth: width,
      imageHeight: height,
    }
  })
}

export interface IcnsEntry {
  readonly type: string
  readonly width: number
  readonly height: number
}

export function icnsEntries(bytes: Buffer): IcnsEntry[] {
  if (bytes.toString('latin1', 0, 4) !== 'icns') throw new Error('not an ICNS')
  if (bytes.readUInt32BE(4) !== bytes.length) throw new Error('ICNS length does not match the file')
  const entries: IcnsEntry[] = []
  for (let at = 8; at < bytes.length;) {
    const type = bytes.toString('latin1', at, at + 4)
    const length = bytes.readUInt32BE(at + 4)
    if (length < 8 || at + length > bytes.length) throw new Error(`ICNS entry ${type} is cut`)
    const png = pngHeader(bytes.subarray(at + 8, at + length))
    entries.push({ type, width: png.width, height: png.height })
    at += length
  }
  return entries
}
