/** format(name): the codec object for a format name (registry id or generic spelling). */
import { BlockFormat } from './block.js';
import { BLOCK_FORMATS } from './block-spec.js';
import { parseFormatName } from './names.js';
import { MinifloatFormat } from './minifloat.js';
import { BipolarFormat, IntFormat } from './int.js';

export type ElementFormat = MinifloatFormat | IntFormat | BipolarFormat;
export type Format = ElementFormat | BlockFormat;

const codecs = new Map<string, Format>();

export type BlockFormatId =
  | 'mxfp8_e4m3' | 'mxfp8_e5m2' | 'mxfp6_e3m2' | 'mxfp6_e2m3' | 'mxfp4' | 'mxint8' | 'mxint6' | 'mxint4'
  | 'nvfp4' | 'nvint4' | 'msfp12' | 'msfp16' | 'bfp12';

/**
 * Codec type of a name: a block id literal gives BlockFormat, any other literal an element format;
 * a name only known at run time gives the union (narrow it with `kind`).
 */
export type FormatOf<N extends string> = string extends N ? Format : N extends BlockFormatId ? BlockFormat : ElementFormat;

export function format<N extends string>(name: N): FormatOf<N>;
export function format(name: string): Format {
  let c = codecs.get(name);
  if (c) return c;
  const block = BLOCK_FORMATS.find((b) => b.id === name);
  if (block) c = new BlockFormat(block);
  else {
    const spec = parseFormatName(name);
    c = codecs.get(spec.id);
    if (!c) c = spec.kind === 'minifloat' ? new MinifloatFormat(spec) : spec.kind === 'int' ? new IntFormat(spec) : new BipolarFormat(spec);
    codecs.set(spec.id, c);
  }
  codecs.set(name, c);
  return c;
}

