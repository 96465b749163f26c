/**
 * `numlab compare` and `numlab study` results as Markdown (GitHub-flavoured tables). The renderer
 * only formats what the result holds; see report-format.ts for the cells.
 */
import {
  bestPerTensorTable,
  formatTable,
  overallTable,
  provenanceItems,
  ROTATION_NOTE,
  rotationPairsTable,
  rotationTable,
  studyPairsTable,
  studyPointsTable,
  tensorTable,
  type TextTable,
} from './report-format.js';
import type { CompareResult, Provenance, RotationStudyResult, StudyResult } from './types.js';

/**
 * Text safe in a Markdown table cell or line: HTML-significant characters as entities, Markdown
 * punctuation backslash-escaped, `|` escaped (it would split the cell) and line breaks as spaces.
 */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|#~]/g, (c) => '\\' + c);
}

export function mdTable(t: TextTable): string {
  const line = (cells: string[]) => `| ${cells.map(mdText).join(' | ')} |`;
  const rule = `|${t.numeric.map((n) => (n ? '---:' : ':---')).join('|')}|`;
  return [line(t.head), rule, ...t.body.map(line)].join('\n');
}

function mdProvenance(p: Provenance): string {
  return provenanceItems(p)
    .map(([k, v]) => `- **${k}**: ${mdText(v)}`)
    .join('\n');
}

export function renderMarkdown(result: CompareResult): string {
  const out: string[] = ['# numlab compare', '', mdProvenance(result.provenance), ''];
  out.push('## Tensors', '', mdTable(tensorTable(result.tensors)), '');
  out.push('## Best format', '');
  const ranked = overallTable(result.best);
  if (ranked.body.length > 0) {
    const [, format, granularity, , perBit] = ranked.body[0];
    out.push(`Best overall by mean QSNR per bit: **${mdText(format)}** (${mdText(granularity)}), ${mdText(perBit)} dB/bit.`, '');
  }
  out.push('Per tensor (highest QSNR):', '', mdTable(bestPerTensorTable(result.best)), '');
  out.push('Overall (mean over tensors, ranked by QSNR per bit):', '', mdTable(ranked), '');
  for (const t of result.tensors) {
    const rows = result.rows.filter((r) => r.tensor === t.name);
    out.push(`## Tensor ${mdText(t.name)}`, '');
    out.push(rows.length ? mdTable(formatTable(rows)) : '_No rows for this tensor._', '');
  }
  return out.join('\n');
}

export function renderStudyMarkdown(study: StudyResult): string {
  const out: string[] = ['# numlab study int-vs-fp', '', mdProvenance(study.provenance), ''];
  out.push('## Crossovers', '', 'κ = amax/σ of the blocks; INT has the higher QSNR below the crossover.', '');
  out.push(mdTable(studyPairsTable(study.pairs)), '');
  for (const p of study.pairs) {
    out.push(`## ${mdText(p.int)} vs ${mdText(p.fp)} (block ${p.blockSize})`, '', mdTable(studyPointsTable(p)), '');
  }
  return out.join('\n');
}

export function renderRotationMarkdown(study: RotationStudyResult): string {
  const out: string[] = ['# numlab study rotation', '', mdProvenance(study.provenance), ''];
  out.push('## Does a block Hadamard rotation flip INT above FP?', '', ROTATION_NOTE, '');
  out.push(mdTable(rotationPairsTable(study)), '');
  out.push('## QSNR per tensor and rotation', '', 'QSNR in the rotated basis; crest = mean amax/RMS of blocks of 16 / 32 along k.', '');
  out.push(mdTable(rotationTable(study)), '');
  return out.join('\n');
}
