import { VitrineError } from '../../util/errors.js';
import type { BinaryOp, Expr } from './expression-ast.js';
import { FUNCTIONS, isFunctionName } from './expression-ast.js';

type Token =
  | { t: 'num'; v: string; at: number }
  | { t: 'str'; v: string; at: number }
  | { t: 'id'; v: string; at: number }
  | { t: 'op'; v: string; at: number }
  | { t: 'end'; at: number };

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'is',
  'null',
  'true',
  'false',
  'case',
  'when',
  'then',
  'else',
  'end',
]);

function fail(source: string, at: number, message: string): never {
  throw new VitrineError('EXPR_SYNTAX', `${message} at position ${at + 1} in "${source}"`);
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i));
      const text = m?.[0] ?? c;
      out.push({ t: 'num', v: text, at: i });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
      const text = m?.[0] ?? c;
      out.push({ t: 'id', v: text, at: i });
      i += text.length;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let v = '';
      for (;;) {
        if (j >= src.length) fail(src, i, 'unterminated string');
        const ch = src[j] as string;
        if (ch === "'") {
          if (src[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += ch;
        j++;
      }
      out.push({ t: 'str', v, at: i });
      i = j + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['<=', '>=', '<>', '!='].includes(two)) {
      out.push({ t: 'op', v: two === '!=' ? '<>' : two, at: i });
      i += 2;
      continue;
    }
    if ('+-*/()=<>,.'.includes(c)) {
      out.push({ t: 'op', v: c, at: i });
      i++;
      continue;
    }
    fail(src, i, `unexpected character "${c}"`);
  }
  out.push({ t: 'end', at: src.length });
  return out;
}

/**
 * Parses an expression of the dictionary language. Precedence, loosest first: OR, AND, NOT,
 * comparison / IN / IS NULL, + -, * /, unary minus.
 */
export function parseExpression(source: string): Expr {
  const toks = tokenize(source);
  let pos = 0;
  const peek = (): Token => toks[pos] as Token;
  const next = (): Token => toks[pos++] as Token;
  const isKw = (tok: Token, kw: string) => tok.t === 'id' && tok.v.toLowerCase() === kw;
  const isOp = (tok: Token, op: string) => tok.t === 'op' && tok.v === op;
  const expectOp = (op: string) => {
    const tok = next();
    if (!isOp(tok, op)) fail(source, tok.at, `expected "${op}"`);
  };
  const expectKw = (kw: string) => {
    const tok = next();
    if (!isKw(tok, kw)) fail(source, tok.at, `expected ${kw.toUpperCase()}`);
  };

  function parseOr(): Expr {
    let left = parseAnd();
    while (isKw(peek(), 'or')) {
      next();
      left = { kind: 'binary', op: 'or', left, right: parseAnd() };
    }
    return left;
  }
  function parseAnd(): Expr {
    let left = parseNot();
    while (isKw(peek(), 'and')) {
      next();
      left = { kind: 'binary', op: 'and', left, right: parseNot() };
    }
    return left;
  }
  function parseNot(): Expr {
    if (isKw(peek(), 'not')) {
      next();
      return { kind: 'unary', op: 'not', arg: parseNot() };
    }
    return parseComparison();
  }
  function parseComparison(): Expr {
    const left = parseAdditive();
    const tok = peek();
    if (tok.t === 'op' && ['=', '<>', '<', '<=', '>', '>='].includes(tok.v)) {
      next();
      return { kind: 'binary', op: tok.v as BinaryOp, left, right: parseAdditive() };
    }
    if (isKw(tok, 'is')) {
      next();
      let negated = false;
      if (isKw(peek(), 'not')) {
        next();
        negated = true;
      }
      expectKw('null');
      return { kind: 'isNull', arg: left, negated };
    }
    let negated = false;
    if (isKw(tok, 'not') && isKw(toks[pos + 1] as Token, 'in')) {
      next();
      negated = true;
    }
    if (isKw(peek(), 'in')) {
      next();
      expectOp('(');
      const list: Expr[] = [parseAdditive()];
      while (isOp(peek(), ',')) {
        next();
        list.push(parseAdditive());
      }
      expectOp(')');
      return { kind: 'in', arg: left, list, negated };
    }
    return left;
  }
  function parseAdditive(): Expr {
    let left = parseMultiplicative();
    while (isOp(peek(), '+') || isOp(peek(), '-')) {
      const op = next().t === 'op' ? (toks[pos - 1] as { v: string }).v : '+';
      left = { kind: 'binary', op: op as BinaryOp, left, right: parseMultiplicative() };
    }
    return left;
  }
  function parseMultiplicative(): Expr {
    let left = parseUnary();
    while (isOp(peek(), '*') || isOp(peek(), '/')) {
      const op = (next() as { v: string }).v;
      left = { kind: 'binary', op: op as BinaryOp, left, right: parseUnary() };
    }
    return left;
  }
  function parseUnary(): Expr {
    if (isOp(peek(), '-')) {
      next();
      return { kind: 'unary', op: '-', arg: parseUnary() };
    }
    return parsePrimary();
  }
  function parsePrimary(): Expr {
    const tok = next();
    if (tok.t === 'num') return { kind: 'number', value: Number(tok.v), text: tok.v };
    if (tok.t === 'str') return { kind: 'string', value: tok.v };
    if (tok.t === 'op' && tok.v === '(') {
      const e = parseOr();
      expectOp(')');
      return e;
    }
    if (tok.t === 'id') {
      const lower = tok.v.toLowerCase();
      if (lower === 'null') return { kind: 'null' };
      if (lower === 'true' || lower === 'false') return { kind: 'bool', value: lower === 'true' };
      if (lower === 'case') return parseCase();
      if (KEYWORDS.has(lower)) fail(source, tok.at, `unexpected ${tok.v.toUpperCase()}`);
      if (isOp(peek(), '(')) {
        if (!isFunctionName(lower)) {
          fail(
            source,
            tok.at,
            `unknown function "${tok.v}" (functions: ${Object.keys(FUNCTIONS).join(', ')})`,
          );
        }
        next();
        const args: Expr[] = [];
        if (!isOp(peek(), ')')) {
          args.push(parseOr());
          while (isOp(peek(), ',')) {
            next();
            args.push(parseOr());
          }
        }
        expectOp(')');
        const [min, max] = FUNCTIONS[lower];
        if (args.length < min || args.length > max) {
          fail(
            source,
            tok.at,
            `${lower}() takes ${min === max ? min : `${min} to ${max}`} arguments`,
          );
        }
        return { kind: 'call', fn: lower, args };
      }
      if (isOp(peek(), '.')) {
        next();
        const col = next();
        if (col.t !== 'id') fail(source, col.at, 'expected a column name after "."');
        return { kind: 'ref', table: tok.v, name: col.v };
      }
      return { kind: 'ref', table: null, name: tok.v };
    }
    return fail(
      source,
      tok.at,
      tok.t === 'end' ? 'unexpected end' : `unexpected "${(tok as { v: string }).v}"`,
    );
  }
  function parseCase(): Expr {
    const whens: Array<{ when: Expr; then: Expr }> = [];
    while (isKw(peek(), 'when')) {
      next();
      const when = parseOr();
      expectKw('then');
      whens.push({ when, then: parseOr() });
    }
    if (whens.length === 0) fail(source, peek().at, 'CASE needs at least one WHEN');
    let otherwise: Expr | null = null;
    if (isKw(peek(), 'else')) {
      next();
      otherwise = parseOr();
    }
    expectKw('end');
    return { kind: 'case', whens, otherwise };
  }

  const expr = parseOr();
  const rest = peek();
  if (rest.t !== 'end') fail(source, rest.at, 'unexpected text after the expression');
  return expr;
}
