/**
 * `npx tsx tools/db/seed.ts` — opens the configured database (HEPATOSCOPE_DATA_DIR / DATABASE_URL), applies
 * migrations and runs the demo seed once, with synthetic phantom imaging for the tumour-board patients.
 * Prints the demo logins. A second run reports that the seed already ran.
 */
import path from 'node:path';
import { loadConfig } from '@hepatoscope/config';
import { openDatabase, seedDemo } from '@hepatoscope/db';
import { phantomImagingProvider } from '@hepatoscope/services';

async function main(): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase();
  try {
    console.log(`database: ${db.kind}${db.dataDir ? ` (${db.dataDir})` : ''}; migrations applied now: ${db.migrations.applied.length}`);
    const res = await seedDemo(db, {
      filesDir: path.resolve(config.filesDir),
      demoPassword: config.demoPassword,
      syntheticImaging: phantomImagingProvider(),
      log: (l) => console.log(`  ${l}`),
    });
    console.log(res.seeded ? `seeded in ${(res.ms / 1000).toFixed(1)} s` : 'the demo seed had already run on this database; nothing changed');
    for (const l of res.logins) console.log(`  ${l.email.padEnd(32)} ${l.role.padEnd(12)} password: ${l.password}`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
