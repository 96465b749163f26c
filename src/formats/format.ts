/** format(name): the codec object for a format name (registry id or generic spelling). */
import { parseFormatName } from './names.js';
import { MinifloatFormat } from './minifloat.js';

export type Format = MinifloatFormat;

const codecs = new Map<string, Format>();

export function format(name: string): Format {
  const spec = parseFormatName(name);
  let c = codecs.get(spec.id);
  if (!c) {
    if (spec.kind === 'minifloat') c = new MinifloatFormat(spec);
    else throw new Error('todo');
    codecs.set(spec.id, c);
  }
  return c;
}
