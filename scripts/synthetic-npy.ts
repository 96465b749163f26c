/**
 * Writes a built-in seeded synthetic tensor (the `numlab compare --synthetic` grammar, src/compare/synthetic.ts)
 * as a float32 .npy file, e.g. a weight and calibration activations for `numlab compare --calibration`:
 *
 *   npx tsx scripts/synthetic-npy.ts 'llm-act:shape=512x1024,seed=11,outliers=8,outlier-scale=8' w.npy
 */
import { writeFileSync } from 'node:fs';
import { generate, parseSynthetic } from '../src/compare/synthetic.js';
import { encodeNpy } from '../src/io/write.js';

const [spec, out] = process.argv.slice(2);
if (!spec || !out) {
  process.stderr.write('usage: npx tsx scripts/synthetic-npy.ts SPEC OUT.npy\n');
  process.exit(1);
}
const s = parseSynthetic(spec);
writeFileSync(out, encodeNpy(generate(s), s.shape));
process.stderr.write(`wrote ${out}: ${spec} [${s.shape.join(', ')}]\n`);
