// Proves that the module-boundary lint rules bite: lints in-memory probe files placed (virtually)
// in each layer and fails unless every forbidden import is reported and every allowed one passes.
// Run by `npm run lint` and .ci/run.
import { ESLint } from 'eslint';

const cases = [
  { file: 'apps/portal/src/probe.ts', code: "import { openDatabase } from '@hepatoscope/db';\nexport const x = openDatabase;\n", forbidden: true },
  { file: 'apps/portal/src/probe.ts', code: "import * as fs from 'node:fs';\nexport const x = fs;\n", forbidden: true },
  { file: 'apps/portal/src/probe.ts', code: "import { appRouter } from '@hepatoscope/api-trpc';\nexport const x = appRouter;\n", forbidden: true },
  { file: 'apps/portal/src/probe.ts', code: "import type { AppRouter } from '@hepatoscope/api-trpc';\nexport type X = AppRouter;\n", forbidden: false },
  { file: 'libs/ui/src/probe.ts', code: "import { InferenceSession } from 'onnxruntime-node';\nexport const x = InferenceSession;\n", forbidden: true },
  { file: 'libs/radiomics/src/probe.ts', code: "import * as fs from 'fs';\nexport const x = fs;\n", forbidden: true },
  { file: 'libs/api-trpc/src/probe.ts', code: "import { openDatabase } from '@hepatoscope/db';\nexport const x = openDatabase;\n", forbidden: true },
  { file: 'libs/services/src/probe.ts', code: "import { PrismaClient } from '@prisma/client';\nexport const x = PrismaClient;\n", forbidden: true },
  { file: 'libs/services/src/probe.ts', code: "import { openDatabase } from '@hepatoscope/db';\nexport const x = openDatabase;\n", forbidden: false },
];

const eslint = new ESLint();
let failures = 0;
for (const c of cases) {
  const [result] = await eslint.lintText(c.code, { filePath: c.file });
  const hit = result.messages.some((m) => m.ruleId === '@typescript-eslint/no-restricted-imports');
  const ok = hit === c.forbidden;
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${c.forbidden ? 'forbidden' : 'allowed  '} ${c.file}: ${c.code.split('\n')[0]}`);
}
console.log(`${cases.length - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
