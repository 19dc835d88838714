#!/usr/bin/env node
// Draws the toolbar icon (a shield with a check mark) at 16, 32, 48 and 128 px into
// extension/icons/icon-<size>.png. No dependencies: a tiny rasteriser (4x4 supersampling)
// and a PNG writer on node:zlib. Run once after changing the design; the PNGs are committed.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Shape in unit coordinates (0..1): inside the shield?
function inShield(x, y) {
  if (y < 0.08 || y > 0.94) return false;
  const half = 0.40;
  if (y <= 0.55) {
    // top edge dips slightly in the middle
    const top = 0.08 + 0.06 * (1 - Math.abs(x - 0.5) / half);
    return Math.abs(x - 0.5) <= half && y >= top;
  }
  // lower part narrows to the point along a curve
  const t = (y - 0.55) / (0.94 - 0.55);
  return Math.abs(x - 0.5) <= half * Math.sqrt(Math.max(0, 1 - t * t));
}

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inCheck(x, y) {
  const w = 0.075;
  return distToSegment(x, y, 0.30, 0.50, 0.45, 0.66) < w || distToSegment(x, y, 0.45, 0.66, 0.72, 0.34) < w;
}

function draw(size) {
  const px = Buffer.alloc(size * size * 4);
  const S = 4;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let shield = 0;
      let check = 0;
      for (let sj = 0; sj < S; sj++) {
        for (let si = 0; si < S; si++) {
          const x = (i + (si + 0.5) / S) / size;
          const y = (j + (sj + 0.5) / S) / size;
          if (inShield(x, y)) {
            shield++;
            if (inCheck(x, y)) check++;
          }
        }
      }
      const a = shield / (S * S);
      const c = shield ? check / shield : 0;
      // shield #1a73e8 (blue), check white
      const r = Math.round(0x1a * (1 - c) + 255 * c);
      const g = Math.round(0x73 * (1 - c) + 255 * c);
      const b = Math.round(0xe8 * (1 - c) + 255 * c);
      const o = (j * size + i) * 4;
      px[o] = r;
      px[o + 1] = g;
      px[o + 2] = b;
      px[o + 3] = Math.round(a * 255);
    }
  }
  return png(size, size, px);
}

const CRC_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An RGBA PNG. */
export function png(w, h, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) rgba.copy(raw, y * (w * 4 + 1) + 1, y * w * 4, (y + 1) * w * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = path.join(root, 'extension/icons');
  fs.mkdirSync(dir, { recursive: true });
  for (const size of [16, 32, 48, 128]) {
    const file = path.join(dir, `icon-${size}.png`);
    fs.writeFileSync(file, draw(size));
    console.log(path.relative(root, file));
  }
}
