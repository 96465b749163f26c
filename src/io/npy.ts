/**
 * .npy header parsing and validation (numpy.lib.format, versions 1.0, 2.0 and 3.0): the magic
 * "\x93NUMPY", major and minor version bytes, the header length (little-endian u16 in 1.0, u32 in
 * 2.0 / 3.0), then a Python dict literal {'descr': …, 'fortran_order': …, 'shape': (…)} padded
 * with spaces and ending in '\n' (latin-1 in 1.0 / 2.0, UTF-8 in 3.0), then the C-order data.
 * numpy aligns the header to 64 bytes (16 in old versions); readers do not depend on it, nor
 * does this one. The data must be exactly shape × item size bytes (truncated or trailing bytes
 * are MALFORMED_FILE). Read: '<f4', '<f2' and big-endian '>f4', '>f2' (byte-swapped to exact
 * float32). Other sized dtypes ('<f8', '<i4', '|b1', native-order '=f4' …) are listed but not
 * readable; structured or object dtypes and fortran_order True are UNSUPPORTED_TENSOR.
 */
import { fail, show } from '../errors.js';
import { elementCount } from './safetensors.js';
import type { ByteSource } from './source.js';
import type { ElementEncoding, ParsedTensorFile } from './types.js';

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const; // \x93 N U M P Y

/** The .npy descrs numlab reads. */
export const NPY_READABLE: Readonly<Record<string, ElementEncoding>> = { '<f4': 'f32le', '>f4': 'f32be', '<f2': 'f16le', '>f2': 'f16be' };

type PyValue = string | boolean | number | PyValue[] | { [k: string]: PyValue };

/** A strict reader for the Python literals numpy writes in .npy headers (no evaluation). */
function parsePyLiteral(text: string, bad: (problem: string) => never): PyValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) bad(`header dict: expected ${show(c)} at character ${i}, found ${show(text.slice(i, i + 10))}`);
    i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > 8) bad('header dict nests too deeply');
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) bad(`header dict: unterminated string at character ${i}`);
      const s = text.slice(i + 1, close);
      if (s.includes('\\') || s.includes('\n')) bad(`header dict: unsupported string ${show(s)}`);
      i = close + 1;
      return s;
    }
    if (c === '(' || c === '[') {
      const end = c === '(' ? ')' : ']';
      i++;
      const items: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === end) break;
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== end) bad(`header dict: expected ',' or ${show(end)} at character ${i}`);
      }
      i++;
      return items;
    }
    if (c === '{') {
      i++;
      const out: { [k: string]: PyValue } = Object.create(null) as { [k: string]: PyValue };
      for (;;) {
        ws();
        if (text[i] === '}') break;
        const key = value(depth + 1);
        if (typeof key !== 'string') bad(`header dict: keys must be strings, got ${show(key)}`);
        if (Object.hasOwn(out, key)) bad(`header dict: duplicate key ${show(key)}`);
        expect(':');
        out[key] = value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') bad(`header dict: expected ',' or '}' at character ${i}`);
      }
      i++;
      return out;
    }
    const word = /^(True|False|[0-9]+L?)/.exec(text.slice(i, i + 40));
    if (!word) bad(`header dict: unexpected ${show(text.slice(i, i + 10))} at character ${i}`);
    i += word[0].length;
    if (word[0] === 'True' || word[0] === 'False') return word[0] === 'True';
    return Number(word[0].replace('L', ''));
  };
  const v = value(0);
  ws();
  if (i !== text.length) bad(`header dict: unexpected ${show(text.slice(i, i + 10))} after the dict`);
  return v;
}

export async function parseNpy(src: ByteSource): Promise<ParsedTensorFile> {
  const file = src.name;
  const bad = (problem: string, value?: unknown): never => fail('MALFORMED_FILE', `${file}: ${problem}`, value);
  if (src.size < 10) bad(`${src.size} bytes is too short for a .npy file`, src.size);
  const pre = await src.read(0, Math.min(12, src.size));
  if (!NPY_MAGIC.every((b, k) => pre[k] === b)) bad('bad magic: a .npy file starts with "\\x93NUMPY"');
  const major = pre[6];
  const minor = pre[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) bad(`unsupported .npy format version ${major}.${minor} (numlab reads 1.0, 2.0, 3.0)`, `${major}.${minor}`);
  if (major > 1 && src.size < 12) bad(`${src.size} bytes is too short for a version ${major}.0 .npy file`, src.size);
  const dv = new DataView(pre.buffer, pre.byteOffset, pre.length);
  const headerStart = major === 1 ? 10 : 12;
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (headerLen > src.size - headerStart) bad(`header length ${headerLen} runs past the end of the file (${src.size} bytes)`, headerLen);
  const bytes = await src.read(headerStart, headerLen);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return bad('version 3.0 header is not valid UTF-8');
    }
  } else text = new TextDecoder('latin1').decode(bytes);
  const dict = parsePyLiteral(text, (p) => bad(p));
  if (typeof dict !== 'object' || Array.isArray(dict)) return bad(`header must be a dict, got ${show(dict)}`, dict);
  const keys = Object.keys(dict).sort();
  if (keys.join() !== 'descr,fortran_order,shape') bad(`header keys must be exactly descr, fortran_order, shape; got ${keys.join(', ') || 'none'}`, keys);
  const { descr, fortran_order: fortran, shape } = dict;
  if (typeof fortran !== 'boolean') bad(`fortran_order must be True or False, got ${show(fortran)}`, fortran);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d))) return bad(`shape must be a tuple of integers, got ${show(shape)}`, shape);
  const dims = shape as number[];
  if (typeof descr !== 'string') return fail('UNSUPPORTED_TENSOR', `${file}: structured dtype ${show(descr)} (numlab reads ${Object.keys(NPY_READABLE).join(', ')})`, descr);
  const sized = /^[<>|=]?([a-zA-Z])([0-9]{1,3})$/.exec(descr);
  if (!sized || Number(sized[2]) === 0) return fail('UNSUPPORTED_TENSOR', `${file}: dtype ${show(descr)} (numlab reads ${Object.keys(NPY_READABLE).join(', ')})`, descr);
  if (fortran) fail('UNSUPPORTED_TENSOR', `${file}: fortran_order True (column-major data); numlab reads C-order .npy only (save with np.ascontiguousarray)`, fortran);
  const n = elementCount(dims, file);
  const itemSize = Number(sized[2]) * (sized[1] === 'U' ? 4 : 1); // 'U<n>' counts UCS-4 characters, every other kind bytes
  const byteLength = n * itemSize;
  const offset = headerStart + headerLen;
  const have = src.size - offset;
  if (have < byteLength) bad(`truncated: shape ${show(dims)} of ${descr} needs ${byteLength} data bytes, the file has ${have}`, have);
  if (have > byteLength) bad(`${have - byteLength} trailing bytes after the ${byteLength} data bytes of shape ${show(dims)} ${descr}`, have);
  const encoding = Object.hasOwn(NPY_READABLE, descr) ? NPY_READABLE[descr] : null;
  const name = file.replace(/^.*[\\/]/, '').replace(/\.npy$/i, '');
  return { kind: 'npy', tensors: [{ name, dtype: descr, shape: [...dims], n, byteLength, offset, encoding }], metadata: {} };
}
