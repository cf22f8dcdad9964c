import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * SQL for "this serial column is `s`, or ends with it" (a full serial, or the 9-character short
 * serial of labels and SADP), written so the `right(serial, 9)` indexes (migration 0004) find the
 * rows; LIKE then keeps only true suffix matches. `s` must be upper-case. Pair it with
 * `serialMatches` on the rows, which also applies the 9-character minimum.
 */
export function serialOrTail(column: string, s: string): Expression<SqlBool> {
  const col = sql.ref(column);
  return sql<SqlBool>`(${col} = ${s} or (right(${col}, 9) = ${s.slice(-9)} and ${col} like ${`%${s.replace(/[\\%_]/g, '')}`}))`;
}
