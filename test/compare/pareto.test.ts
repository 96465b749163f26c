import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paretoFront, type ParetoPoint } from '../../src/compare/pareto.js';
import { thrown } from '../helpers/errors.js';

const P = (id: string, x: number, y: number) => ({ id, x, y });
const ids = (ps: { id: string }[]) => ps.map((p) => p.id);

/** The definition, written out: q dominates p when q is no worse in both and better in one. */
function dominates(q: ParetoPoint, p: ParetoPoint): boolean {
  return q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y);
}

describe('paretoFront (fewer bits, higher QSNR)', () => {
  it('keeps the hand-checked front of the compare fixture, by ascending bits', () => {
    const pts = [
      P('int8', 8.0625, 37),
      P('fp8', 8.000244140625, 31.5),
      P('mxfp8', 8.25, 31.8),
      P('mxfp6', 6.25, 26),
      P('mxfp4', 4.25, 17.5),
      P('nvfp4', 4.500244140625, 20.5),
      P('int4', 4.28125, 15),
    ];
    expect(ids(paretoFront(pts))).toEqual(['mxfp4', 'nvfp4', 'mxfp6', 'fp8', 'int8']);
  });

  it('at equal bits keeps only the higher QSNR; at equal QSNR only the fewer bits', () => {
    expect(ids(paretoFront([P('lo', 4, 10), P('hi', 4, 12)]))).toEqual(['hi']);
    expect(ids(paretoFront([P('more', 8, 30), P('fewer', 6, 30)]))).toEqual(['fewer']);
  });

  it('keeps exact copies of a front point (neither dominates the other) and returns the inputs themselves', () => {
    const a = P('a', 4, 20);
    const b = P('b', 4, 20);
    const front = paretoFront([P('c', 5, 19), b, a]);
    expect(ids(front).sort()).toEqual(['a', 'b']);
    expect(front).toContain(a);
  });

  it('gives [] for no points and does not reorder its input', () => {
    expect(paretoFront([])).toEqual([]);
    const pts = [P('b', 8, 30), P('a', 4, 10)];
    paretoFront(pts);
    expect(ids(pts)).toEqual(['b', 'a']);
  });

  it('rejects non-finite coordinates with a NumlabError naming the point', () => {
    const e = thrown(() => paretoFront([P('a', 4, 10), P('exact', 8, Infinity)]));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toContain('point 1');
    expect(e.message).toContain('Infinity');
    expect(thrown(() => paretoFront([P('nan', NaN, 1)])).message).toContain('NaN');
  });

  it('property: front points are non-dominated, every other point is dominated by a front point', () => {
    const coord = fc.integer({ min: 0, max: 12 }).map((v) => v / 4); // small grid: many ties
    fc.assert(
      fc.property(fc.array(fc.record({ x: coord, y: coord }), { maxLength: 24 }), (pts) => {
        const front = paretoFront(pts);
        const inFront = new Set(front);
        for (const p of front) expect(pts.some((q) => dominates(q, p))).toBe(false);
        for (const p of pts) if (!inFront.has(p)) expect(front.some((q) => dominates(q, p))).toBe(true);
        for (let i = 1; i < front.length; i++) expect(front[i].x).toBeGreaterThanOrEqual(front[i - 1].x);
      }),
    );
  });
});
