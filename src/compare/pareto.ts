/** The Pareto front of (cost, quality) points: fewer bits per element and higher QSNR are better. */
import { fail, show } from '../errors.js';

export interface ParetoPoint {
  /** Cost (bits per element): lower is better. */
  x: number;
  /** Quality (QSNR dB): higher is better. */
  y: number;
}

/**
 * The non-dominated points, by ascending x. A point is dominated when another has x no larger and
 * y no smaller, and is strictly better in one of them; equal points do not dominate each other, so
 * copies of a front point are all on the front. Coordinates must be finite (NumlabError BAD_OPTION
 * naming the point otherwise): filter exact (+∞ dB) and undefined (null) QSNR before calling.
 */
export function paretoFront<T extends ParetoPoint>(points: readonly T[]): T[] {
  points.forEach((p, i) => {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y))
      fail('BAD_OPTION', `paretoFront: point ${i} has a non-finite coordinate (x ${show(p.x)}, y ${show(p.y)})`, p);
  });
  const sorted = [...points].sort((a, b) => a.x - b.x || b.y - a.y);
  const front: T[] = [];
  let bestY = -Infinity;
  for (const p of sorted) {
    const last = front[front.length - 1];
    if (p.y > bestY) {
      front.push(p);
      bestY = p.y;
    } else if (last !== undefined && p.x === last.x && p.y === last.y) {
      front.push(p);
    }
  }
  return front;
}
