/** format(name): the codec object for a format name (registry id or generic spelling). */
import { parseFormatName } from './names.js';
import { MinifloatFormat } from './minifloat.js';
import { BipolarFormat, IntFormat } from './int.js';

export type Format = MinifloatFormat | IntFormat | BipolarFormat;

const codecs = new Map<string, Format>();

export function format(name: string): Format {
  const spec = parseFormatName(name);
  let c = codecs.get(spec.id);
  if (!c) {
    c = spec.kind === 'minifloat' ? new MinifloatFormat(spec) : spec.kind === 'int' ? new IntFormat(spec) : new BipolarFormat(spec);
    codecs.set(spec.id, c);
  }
  return c;
}
