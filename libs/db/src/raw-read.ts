import type { PGlite } from '@electric-sql/pglite';
import type { Pool } from 'pg';
import { recurringSelectNames } from './statement-names';

/**
 * Runs one read-only statement (`$1..$n` parameters) and returns its rows as objects. `viaPrisma` runs the same
 * statement through Prisma's `$queryRawUnsafe`, for what a backend leaves to Prisma (PGlite: see `pgliteReadRows`).
 */
export type ReadRows = (text: string, values: readonly unknown[], viaPrisma: () => Promise<unknown[]>) => Promise<unknown[]>;

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

/** The frontend message serializers of `@electric-sql/pglite` (its `protocol.serialize`), passed in by `openPglite`. */
type PgliteSerialize = typeof import('@electric-sql/pglite').protocol.serialize;

/** A statement prepared in the PGlite session: its parameter types and result columns (from Describe). */
interface PgliteStatement {
  paramTypes: number[];
  fields: Array<{ name: string; parse: (v: string) => unknown }>;
  /** Some column has a type outside READ_ONLY_TYPE_OIDS: the statement is left to Prisma. */
  viaPrisma: boolean;
}

/** Returned from inside the PGlite session when Prisma must run the statement (after the session is released). */
const VIA_PRISMA = Symbol('viaPrisma');

/** Statements prepared per PGlite instance (a session outlives any one ReadRows), by name. */
const preparedByPglite = new WeakMap<PGlite, Map<string, PgliteStatement>>();

/**
 * The PGlite side of `$queryReadOnly`: the statement on the PGlite session through its wire protocol, named (Parse
 * once, then Bind/Execute) from its `minUses`-th use by `recurringSelectNames`, as on the PostgreSQL pool. Why: PGlite's
 * `query()` — which Prisma's adapter calls — parses and plans every statement anew and enters the WASM backend six
 * times per statement. In-memory PGlite, 10,000 patients, CPU per statement: patients.list page 2.34 ms through
 * `$queryRawUnsafe` (2.01 in `pglite.query`) → 0.96 named here; access check 0.73 → 0.09; case detail 2.18 → 0.47.
 *
 * The same rows and JS values as `$queryRawUnsafe` on PGlite (pglite-prisma-adapter's parsers, then Prisma's raw-result
 * conversion, for READ_ONLY_TYPE_OIDS). Left to Prisma (`viaPrisma`), so unchanged: statements with a column of any
 * other type, and parameters other than strings, booleans, finite numbers, null and arrays of those (Prisma rewrites
 * Dates, bigints, bytes and non-finite numbers). Database errors come as PGlite's DatabaseError (SQLSTATE `code`), as
 * node-postgres's on the pool, not wrapped by Prisma.
 *
 * Ordering: PGlite's `query()` holds its transaction mutex, then its query mutex; this takes both in the same order, so
 * it waits for an open `transaction()` (Prisma's interactive transactions, pg-boss's blocks) exactly as Prisma's own
 * reads outside transactions do. Inside a Prisma transaction `$queryReadOnly` does not come here (client.ts).
 */
export function pgliteReadRows(pglite: PGlite, serialize: PgliteSerialize): ReadRows {
  const names = recurringSelectNames();
  let prepared = preparedByPglite.get(pglite);
  if (!prepared) preparedByPglite.set(pglite, (prepared = new Map()));
  const statements = prepared;
  const exec = async (messages: Uint8Array[], syncToFs: boolean) =>
    (await pglite.execProtocol(Buffer.concat([...messages, serialize.sync()]), { syncToFs })).messages;

  /** Parse (named: once per session) and Describe; the unnamed statement is parsed on every call. */
  async function statement(name: string, text: string, reparse: boolean): Promise<PgliteStatement> {
    const known = name && !reparse ? statements.get(name) : undefined;
    if (known) return known;
    if (reparse) statements.delete(name);
    const messages = await exec(
      [
        ...(reparse ? [serialize.close({ type: 'S', name })] : []),
        serialize.parse({ name, text }),
        serialize.describe({ type: 'S', name }),
      ],
      false,
    );
    const st = describedStatement(pglite, messages);
    if (name) statements.set(name, st);
    return st;
  }

  /** Bind + Execute (+ Sync) of a described statement; its rows as objects. */
  async function execute(name: string, st: PgliteStatement, values: readonly unknown[]): Promise<unknown[]> {
    const params = values.map((v, i) => (v == null ? null : serializeParam(pglite, st.paramTypes[i], v)));
    const messages = await exec([serialize.bind({ statement: name, values: params }), serialize.execute({})], true);
    const rows: unknown[] = [];
    for (const m of messages) {
      if (m.name !== 'dataRow') continue;
      const cells = (m as unknown as { fields: (string | null)[] }).fields;
      const row: Record<string, unknown> = {};
      st.fields.forEach((f, i) => (row[f.name] = cells[i] == null ? null : f.parse(cells[i]!)));
      rows.push(row);
    }
    return rows;
  }

  async function run(name: string, text: string, values: readonly unknown[]): Promise<unknown[] | typeof VIA_PRISMA> {
    await pglite._checkReady();
    return pglite._runExclusiveTransaction(() =>
      pglite._runExclusiveQuery(async () => {
        for (let attempt = 0; ; attempt++) {
          const st = await statement(name, text, attempt > 0);
          if (st.viaPrisma) return VIA_PRISMA;
          try {
            return await execute(name, st, values);
          } catch (err) {
            // a named statement dropped (DEALLOCATE/DISCARD) or invalidated by DDL fails before it runs: prepare anew once
            if (!name || attempt > 0 || !STALE_STATEMENT_CODES.has((err as { code?: string }).code ?? '')) throw err;
          }
        }
      }),
    );
  }

  return async (text, values, viaPrisma) => {
    if (!values.every(isPlainParam)) return viaPrisma();
    const rows = await run(names({ sql: text }) ?? '', text, values);
    return rows === VIA_PRISMA ? viaPrisma() : rows;
  };
}

/** 26000: prepared statement does not exist; 0A000: cached plan must not change result type (after DDL). */
const STALE_STATEMENT_CODES = new Set(['26000', '0A000']);

/** Parameter types and column parsers of a Parse + Describe('S') reply. */
function describedStatement(pglite: PGlite, messages: ReadonlyArray<{ name: string }>): PgliteStatement {
  const params = messages.find((m) => m.name === 'parameterDescription') as unknown as { dataTypeIDs: number[] } | undefined;
  const rowDesc = messages.find((m) => m.name === 'rowDescription') as unknown as
    | { fields: Array<{ name: string; dataTypeID: number }> }
    | undefined;
  const cols = rowDesc?.fields ?? [];
  return {
    paramTypes: params?.dataTypeIDs ?? [],
    viaPrisma: cols.some((f) => !READ_ONLY_TYPE_OIDS.has(f.dataTypeID)),
    fields: cols.map((f) => ({ name: f.name, parse: prismaPgliteParser(pglite, f.dataTypeID) })),
  };
}

/**
 * The JS value `$queryRawUnsafe` returns on PGlite for a column of `oid` (READ_ONLY_TYPE_OIDS): pglite-prisma-adapter
 * reads timestamps as UTC ISO text and everything else with PGlite's parsers; Prisma then makes Dates of timestamps,
 * truncates int2/int4 values (a no-op on integers) and refuses nested (multi-dimensional) int and bool arrays.
 */
function prismaPgliteParser(pglite: PGlite, oid: number): (v: string) => unknown {
  const pgliteParse = pglite.parsers[oid] ?? ((v: string) => v);
  switch (oid) {
    case 1114: // timestamp: the adapter's normalize_timestamp
      return (v) => new Date(`${v.replace(' ', 'T')}+00:00`);
    case 1184: // timestamptz: the adapter's normalize_timestampz
      return (v) => new Date(v.replace(' ', 'T').replace(/[+-]\d{2}(:\d{2})?$/, '+00:00'));
    case 21:
    case 23:
      return (v) => prismaInt32(pgliteParse(v, oid));
    case 1005:
    case 1007:
      return (v) => (pgliteParse(v, oid) as unknown[]).map(prismaInt32);
    case 1000:
      return (v) => (pgliteParse(v, oid) as unknown[]).map(prismaBoolean);
    default:
      return (v) => pgliteParse(v, oid);
  }
}

/** Prisma's raw-result conversion of an Int32 column value (serialize-sql.ts), null kept. */
function prismaInt32(x: unknown): number | null {
  if (x === null) return null;
  if (typeof x === 'number') return Math.trunc(x);
  throw new Error(`Cannot serialize value of type ${typeof x} as Int32`);
}

/** Prisma's raw-result conversion of a Boolean array element, null kept. */
function prismaBoolean(x: unknown): boolean | null {
  if (x === null || typeof x === 'boolean') return x;
  throw new Error(`Cannot serialize value of type ${typeof x} as Boolean`);
}

/** As PGlite's `query()` serialises a parameter of type `oid` (`null` handled by the caller). */
function serializeParam(pglite: PGlite, oid: number | undefined, v: unknown): string {
  const s = oid === undefined ? undefined : pglite.serializers[oid];
  return s ? (s(v) as string) : String(v);
}

/**
 * Parameters that Prisma's raw query hands to the PGlite adapter unchanged (its JSON round trip and `mapArg` leave
 * them as they are): strings, booleans, finite numbers, null and (nested) arrays of those.
 */
function isPlainParam(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  return Array.isArray(v) && v.every(isPlainParam);
}

