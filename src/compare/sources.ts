/**
 * Tensor sources from files for compare(): every tensor of every file (or those whose names match
 * --tensor globs), loaded one at a time when a lane is free. Headers are read up front, so a
 * malformed file fails before any measurement. Tensors of a dtype numlab does not read (integer
 * tensors such as position ids) are left out and listed in `skipped`.
 */
import { selectTensors } from '../io/select.js';
import { openTensorFile, type TensorFile } from '../io/tensor-file.js';
import type { TensorSource } from './engine.js';

export interface FileSources {
  sources: TensorSource[];
  /** `file:tensor (dtype)` of every selected tensor numlab cannot read as floats. */
  skipped: string[];
  close: () => Promise<void>;
}

export async function fileSources(paths: readonly string[], globs?: readonly string[]): Promise<FileSources> {
  const opened: TensorFile[] = [];
  const close = async () => {
    await Promise.all(opened.map((f) => f.close()));
  };
  try {
    const sources: TensorSource[] = [];
    const skipped: string[] = [];
    for (const path of paths) opened.push(await openTensorFile(path));
    // A glob must match a tensor in some file (a typo should not silently select fewer tensors).
    const chosen = new Set(selectTensors(opened.flatMap((f) => f.tensors.map((t) => t.name)), globs ?? []));
    for (const f of opened) {
      for (const info of f.tensors.filter((t) => chosen.has(t.name))) {
        if (info.encoding === null) {
          skipped.push(`${f.path}:${info.name} (${info.dtype})`);
          continue;
        }
        // One file's tensor keeps its own name; with several files the file name goes in front.
        const name = info.name;
        sources.push({
          name: paths.length > 1 ? `${f.path}:${name}` : name,
          shape: info.shape.length === 0 ? [1] : [...info.shape],
          source: { kind: 'file', path: f.path, dtype: info.dtype },
          load: async () => (await f.read(name)).data,
        });
      }
    }
    return { sources, skipped, close };
  } catch (e) {
    await close();
    throw e;
  }
}
