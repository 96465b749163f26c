// The descriptor layout is declared twice — assembly/common/desc.ts (read by the kernels) and
// src/formats/descriptor.ts (written by JS); they must agree slot for slot.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DESC } from '../../src/formats/descriptor.js';

it('assembly/common/desc.ts and DESC name the same slots', () => {
  const src = readFileSync(new URL('../../assembly/common/desc.ts', import.meta.url), 'utf8');
  const as = Object.fromEntries([...src.matchAll(/export const D_([A-Z_]+): i32 = (\d+);/g)].map((m) => [m[1], Number(m[2])]));
  expect(as).toEqual({ ...DESC });
});
