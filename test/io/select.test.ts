/** --tensor glob selection: `*` any run (dots and slashes included), `?` one character, the rest literal. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch, selectTensors } from '../../src/io/select.js';
import { thrown } from '../helpers/errors.js';

/** Reference: the glob as an anchored regular expression. */
const viaRegex = (glob: string, name: string) =>
  new RegExp('^' + [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('') + '$', 's').test(name);

describe('globMatch', () => {
  it('matches the usual cases', () => {
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('layers.*.mlp.*', 'layers.0.mlp.down_proj.weight')).toBe(true);
    expect(globMatch('layers.*.mlp', 'layers.0.attn.mlp.x')).toBe(false);
    expect(globMatch('a?c', 'abc')).toBe(true);
    expect(globMatch('a?c', 'ac')).toBe(false);
    expect(globMatch('*.weight', 'model/x.weight')).toBe(true);
    expect(globMatch('a.b', 'axb')).toBe(false); // '.' is literal
    expect(globMatch('[ab]', '[ab]')).toBe(true); // brackets are literal
    expect(globMatch('**a', 'bba')).toBe(true);
  });

  it('agrees with a regex reference on random globs and names', () => {
    const ch = fc.constantFrom('a', 'b', '.', '*', '?');
    fc.assert(
      fc.property(fc.string({ unit: ch, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '.', '*', '?'), maxLength: 10 }), (glob, name) => {
        expect(globMatch(glob, name)).toBe(viaRegex(glob, name));
      }),
      { numRuns: 5000 },
    );
  });

  it('stays fast on patterns that make backtracking matchers explode', () => {
    const t = performance.now();
    expect(globMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

describe('selectTensors', () => {
  const names = ['emb', 'l0.q', 'l0.k', 'l1.q', 'l1.k', 'head'];
  it('keeps file order, each name once; no globs selects all', () => {
    expect(selectTensors(names, [])).toEqual(names);
    expect(selectTensors(names, ['*.k', 'l0.*'])).toEqual(['l0.q', 'l0.k', 'l1.k']);
  });
  it('a glob matching nothing is BAD_OPTION naming it', () => {
    const e = thrown(() => selectTensors(names, ['l0.*', 'l9.*']));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toContain('--tensor "l9.*" matches no tensor (6 available: "emb", "l0.q", "l0.k", "l1.q", "l1.k", …)');
  });
});
