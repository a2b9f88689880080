import type { Pool } from 'pg';
import { recurringSelectNames } from './statement-names';

/** Runs one read-only statement (`$1..$n` parameters) and returns its rows as objects. */
export type ReadRows = (text: string, values: readonly unknown[]) => Promise<unknown[]>;

/**
 * Column types whose node-postgres values equal what Prisma's `$queryRawUnsafe` returns (numbers, booleans, text,
 * arrays of those, Dates), so `$queryReadOnly` answers the same JS values on both backends. Anything else (int8 and
 * numeric come back as strings from node-postgres, BigInt/Decimal from Prisma; enums, json, date…) is refused: cast
 * it in SQL (`::int`, `::float8`, `::text`).
 */
export const READ_ONLY_TYPE_OIDS: ReadonlySet<number> = new Set([
  16, // bool
  21, // int2
  23, // int4
  25, // text
  700, // float4
  701, // float8
  1043, // varchar
  1114, // timestamp (read as UTC, as Prisma does)
  1184, // timestamptz
  2950, // uuid
  1000, // bool[]
  1005, // int2[]
  1007, // int4[]
  1009, // text[]
  1015, // varchar[]
  1021, // float4[]
  1022, // float8[]
  2951, // uuid[]
]);

/**
 * The PostgreSQL side of `$queryReadOnly`: the statement straight on the node-postgres pool, named (so prepared once
 * per connection) from its `minUses`-th use by its own `recurringSelectNames`. Skips Prisma's query pipeline
 * (argument serialisation, the engine's raw-result decoding): Node CPU per patients.list page 0.42-0.56 ms through
 * `$queryRawUnsafe`, 0.19 ms as a named statement here. Named statements also let PostgreSQL reuse a generic plan
 * (planning 0.25-0.5 ms → 0.007 ms for the list page when its text has no parameter in LIMIT/OFFSET).
 */
export function pooledReadRows(pool: Pool, pgTypes: typeof import('pg').types): ReadRows {
  const names = recurringSelectNames();
  const timestamptz = pgTypes.getTypeParser(1184, 'text') as (v: string) => unknown;
  // timestamp without time zone: node-postgres reads it in the process's local zone, Prisma as UTC
  const utcTimestamp = (v: string) => timestamptz(/^-?infinity$/.test(v) ? v : `${v}+00`);
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === 1114 ? utcTimestamp : pgTypes.getTypeParser(oid, format ?? 'text')) as typeof pgTypes.getTypeParser,
  };
  return async (text, values) => {
    const name = names({ sql: text });
    const res = await pool.query({ text, values: values.map(toParam), types, ...(name ? { name } : {}) });
    for (const f of res.fields) {
      if (!READ_ONLY_TYPE_OIDS.has(f.dataTypeID))
        throw new Error(
          `$queryReadOnly: column "${f.name}" has type oid ${f.dataTypeID}, whose value differs between PostgreSQL and ` +
            `PGlite; cast it in SQL (::int, ::float8, ::text).`,
        );
    }
    return res.rows;
  };
}

/** Dates as ISO text (UTC), as Prisma sends them; node-postgres would write the local zone's offset. */
function toParam(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}

/** `$queryReadOnly` accepts one SELECT statement only (on PostgreSQL it runs outside any transaction). */
export function assertReadStatement(text: string): void {
  if (!/^\s*SELECT\b/i.test(text)) throw new Error('$queryReadOnly runs SELECT statements only');
}
