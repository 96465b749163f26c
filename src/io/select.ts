/**
 * `--tensor` selection: glob patterns where `*` matches any run of characters (dots and slashes
 * included: tensor names are not paths) and `?` exactly one; every other character is literal.
 */
import { fail, show } from '../errors.js';

/** Whether `name` matches `glob` (iterative, O(|name|·|glob|) at worst: no regex, no backtracking blow-up). */
export function globMatch(glob: string, name: string): boolean {
  let g = 0;
  let s = 0;
  let star = -1; // position in glob after the last '*'
  let mark = 0; // position in name that '*' has consumed up to
  while (s < name.length) {
    if (g < glob.length && (glob[g] === '?' || (glob[g] !== '*' && glob[g] === name[s]))) {
      g++;
      s++;
    } else if (g < glob.length && glob[g] === '*') {
      star = ++g;
      mark = s;
    } else if (star >= 0) {
      g = star;
      s = ++mark;
    } else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

/**
 * The names (in their given order, each once) matched by any of `globs`; all names when `globs`
 * is empty. A glob that matches nothing is a BAD_OPTION error (a typo should not silently
 * select fewer tensors).
 */
export function selectTensors(names: readonly string[], globs: readonly string[]): string[] {
  if (globs.length === 0) return [...new Set(names)];
  for (const g of globs) {
    if (!names.some((n) => globMatch(g, n))) {
      const some = names.slice(0, 5).map((n) => show(n)).join(', ');
      fail('BAD_OPTION', `--tensor ${show(g)} matches no tensor (${names.length} available${names.length ? ': ' + some + (names.length > 5 ? ', …' : '') : ''})`, g);
    }
  }
  return [...new Set(names.filter((n) => globs.some((g) => globMatch(g, n))))];
}
