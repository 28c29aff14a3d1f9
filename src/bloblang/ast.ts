/**
 * The Bloblang syntax tree. The parser builds it once; the compiler turns it into closures and
 * throws it away, so nothing here is visited per message.
 */

/** Offset of a node in the mapping text (0-based, converted to line/column on demand). */
export type Pos = number;

export interface CallArg {
  /** Set for named arguments (`range(start: 0, stop: 10)`). */
  name?: string;
  expr: Expr;
}

export type Expr =
  | { k: 'lit'; v: unknown; pos: Pos }
  /** `this.a.b`; an empty path is `this` itself. */
  | { k: 'this'; path: string[]; pos: Pos }
  /** `root.a.b`, reading the document being built. */
  | { k: 'root'; path: string[]; pos: Pos }
  /** `$name.a.b` */
  | { k: 'var'; name: string; path: string[]; pos: Pos }
  /** A lambda parameter (`x -> x.a`): `x.a`. */
  | { k: 'named'; name: string; path: string[]; pos: Pos }
  /** `@key`, or `@` (all metadata) when key is undefined. */
  | { k: 'meta'; key: string | undefined; pos: Pos }
  | { k: 'call'; name: string; args: CallArg[]; pos: Pos }
  | { k: 'method'; target: Expr; name: string; args: CallArg[]; pos: Pos }
  /** Field access on an arbitrary expression: `foo().a.b`, `(x).a`. */
  | { k: 'field'; target: Expr; path: string[]; pos: Pos }
  | { k: 'index'; target: Expr; index: Expr; pos: Pos }
  | { k: 'slice'; target: Expr; start?: Expr; end?: Expr; step?: Expr; pos: Pos }
  /** `target.(query)`: run query with `this` (or a named context) bound to target. */
  | { k: 'ctx'; target: Expr; body: Expr; pos: Pos }
  | { k: 'bin'; op: BinOp; l: Expr; r: Expr; pos: Pos }
  | { k: 'not'; e: Expr; pos: Pos }
  | { k: 'neg'; e: Expr; pos: Pos }
  | { k: 'obj'; entries: [Expr, Expr][]; pos: Pos }
  | { k: 'arr'; items: Expr[]; pos: Pos }
  | { k: 'if'; branches: [Expr, Expr][]; otherwise?: Expr; pos: Pos }
  | { k: 'match'; subject?: Expr; cases: MatchCase[]; pos: Pos }
  /** `name -> body`; name undefined for a plain query used as a lambda. */
  | { k: 'lambda'; param: string; body: Expr; pos: Pos };

export interface MatchCase {
  /** undefined for the `_` catch-all. */
  pattern?: Expr;
  body: Expr;
}

export type BinOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '>' | '>=' | '<' | '<=' | '&&' | '||' | '|';

export type AssignTarget =
  | { kind: 'root'; path: string[] }
  | { kind: 'meta'; key: string | undefined }
  | { kind: 'let'; name: string; path: string[] };

export type Stmt =
  | { k: 'assign'; target: AssignTarget; expr: Expr; pos: Pos; line: number }
  | { k: 'if'; branches: [Expr, Stmt[]][]; otherwise?: Stmt[]; pos: Pos; line: number }
  /** `root = from "file"` style whole-mapping import (unused placeholder for future syntax). */
  | { k: 'noop'; pos: Pos; line: number };

export interface MapDef {
  name: string;
  body: Stmt[];
  pos: Pos;
}

export interface Program {
  maps: Map<string, MapDef>;
  stmts: Stmt[];
  /** Sources of imported files, for error rendering. */
}
