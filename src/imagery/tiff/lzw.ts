/**
 * TIFF's LZW: 9- to 12-bit codes, most significant bit first, Clear = 256, EndOfInformation = 257,
 * and the "early change" (the code width grows one code before the table needs it).
 */
const CLEAR = 256;
const EOI = 257;
const MAX_CODE = 4093;

class BitWriter {
  private buf = new Uint8Array(1024);
  private len = 0;
  private acc = 0;
  private bits = 0;

  put(code: number, width: number): void {
    this.acc = (this.acc << width) | code;
    this.bits += width;
    while (this.bits >= 8) {
      this.bits -= 8;
      this.byte((this.acc >>> this.bits) & 0xff);
    }
    this.acc &= (1 << this.bits) - 1;
  }

  private byte(b: number): void {
    if (this.len === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.len++] = b;
  }

  finish(): Uint8Array {
    if (this.bits > 0) this.byte((this.acc << (8 - this.bits)) & 0xff);
    this.bits = 0;
    return this.buf.subarray(0, this.len);
  }
}

export function lzwEncode(input: Uint8Array): Uint8Array {
  const out = new BitWriter();
  // (prefix code << 8 | next byte) → code
  let table = new Map<number, number>();
  let next = 258;
  let width = 9;
  out.put(CLEAR, width);
  if (input.length === 0) {
    out.put(EOI, width);
    return out.finish();
  }
  let w = input[0]!;
  for (let i = 1; i < input.length; i++) {
    const k = input[i]!;
    const key = (w << 8) | k;
    const hit = table.get(key);
    if (hit !== undefined) {
      w = hit;
      continue;
    }
    out.put(w, width);
    table.set(key, next++);
    if (next + 1 > 1 << width && width < 12) width++;
    if (next >= MAX_CODE) {
      out.put(CLEAR, width);
      table = new Map();
      next = 258;
      width = 9;
    }
    w = k;
  }
  out.put(w, width);
  next++;
  if (next + 1 > 1 << width && width < 12) width++;
  out.put(EOI, width);
  return out.finish();
}
