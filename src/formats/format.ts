/** format(name): the codec object for a format name (registry id or generic spelling). */
import { BlockFormat } from './block.js';
import { BLOCK_FORMATS } from './block-spec.js';
import { BoundedCache, NAME_CACHE_SIZE, nameKey, parseFormatName, parsedRowCount } from './names.js';
import { MinifloatFormat } from './minifloat.js';
import { BipolarFormat, IntFormat } from './int.js';
import { REGISTRY } from './registry.js';

export type ElementFormat = MinifloatFormat | IntFormat | BipolarFormat;
export type Format = ElementFormat | BlockFormat;

/**
 * Codecs by canonical id: registered element and block ids are kept for good (format(id) always returns
 * the same object for them), parsed spellings in a bounded LRU. Spellings map to ids by nameKey (trim,
 * lower case, aliases) and, for parsed names, by parseFormatName's own bounded cache.
 */
const registered = new Map<string, Format>();
const parsed = new BoundedCache<string, Format>(NAME_CACHE_SIZE);

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
  const key = nameKey(name);
  const hit = registered.get(key);
  if (hit) return hit;
  const block = BLOCK_FORMATS.find((b) => b.id === key);
  if (block) {
    const c = new BlockFormat(block);
    registered.set(key, c);
    return c;
  }
  const spec = parseFormatName(name);
  const isRegistered = REGISTRY.includes(spec as (typeof REGISTRY)[number]);
  const cache = isRegistered ? registered : parsed;
  let c = cache.get(spec.id);
  if (!c) {
    c = spec.kind === 'minifloat' ? new MinifloatFormat(spec) : spec.kind === 'int' ? new IntFormat(spec) : new BipolarFormat(spec);
    cache.set(spec.id, c);
  }
  return c;
}


/** @internal (tests) Entries held by the name caches: codecs of parsed spellings, and parsed rows. */
export function cacheSizes(): { registered: number; parsed: number; rows: number } {
  return { registered: registered.size, parsed: parsed.size, rows: parsedRowCount() };
}
