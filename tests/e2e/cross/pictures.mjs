// Product pictures drawn in code (PNG), for tests and the demo that need real pictures with
// known colours: a tumbler in a given colour on white.
import { png } from '../../../scripts/icons.mjs';

/** A tumbler drawn in `rgb` on white, `size` px square (PNG). */
export function tumbler(size, rgb) {
  const px = Buffer.alloc(size * size * 4, 255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / size;
      const v = y / size;
      // body: a slightly tapered cup from v=0.18 to v=0.9
      const halfTop = 0.24;
      const halfBottom = 0.19;
      let inside = false;
      let shade = 1;
      if (v > 0.18 && v < 0.9) {
        const half = halfTop + (halfBottom - halfTop) * ((v - 0.18) / 0.72);
        inside = Math.abs(u - 0.5) < half;
        shade = 0.8 + 0.35 * Math.cos(((u - 0.5) / half) * 1.4);
      }
      // lid
      if (v > 0.1 && v <= 0.18 && Math.abs(u - 0.5) < 0.26) {
        inside = true;
        shade = 0.55;
      }
      if (inside) {
        const o = (y * size + x) * 4;
        px[o] = Math.min(255, rgb[0] * shade + 20);
        px[o + 1] = Math.min(255, rgb[1] * shade + 20);
        px[o + 2] = Math.min(255, rgb[2] * shade + 20);
      }
    }
  }
  return png(size, size, px);
}
