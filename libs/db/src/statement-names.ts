import { createHash } from 'node:crypto';

/**
 * A `statementNameGenerator` for `@prisma/adapter-pg`: a SELECT text seen `minUses` times gets a stable name, so each
 * pooled connection prepares it once (PostgreSQL then skips parse and analysis and, when its estimates allow, reuses
 * a generic plan). Measured on the case-detail read (one relationJoins statement): 2.2-2.6 ms planning for 0.45 ms
 * execution. Other statements (writes, one-off texts such as a createMany of n rows) stay unnamed. At most `maxNames`
 * names and `maxTracked` counted texts (by digest) per process, so neither the client nor the server accumulates
 * prepared statements without bound.
 */
export function recurringSelectNames(
  opts: { minUses?: number; maxNames?: number; maxTracked?: number } = {},
): (query: { sql: string }) => string | undefined {
  const { minUses = 20, maxNames = 64, maxTracked = 2_000 } = opts;
  const uses = new Map<string, number>();
  const named = new Map<string, string>();
  return ({ sql }) => {
    if (!/^\s*SELECT\b/i.test(sql)) return undefined;
    const digest = createHash('sha1').update(sql).digest('hex');
    const name = named.get(digest);
    if (name || named.size >= maxNames) return name;
    const n = (uses.get(digest) ?? 0) + 1;
    if (n < minUses) {
      if (uses.has(digest) || uses.size < maxTracked) uses.set(digest, n);
      return undefined;
    }
    uses.delete(digest);
    const fresh = `hs_${digest.slice(0, 24)}`;
    named.set(digest, fresh);
    return fresh;
  };
}
