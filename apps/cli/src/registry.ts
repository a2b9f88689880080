import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from './command';

/**
 * Sub-commands are discovered from `src/commands/*.ts`: each file default-exports a `Command`.
 * Command modules must stay light at import time (load heavy dependencies such as onnxruntime
 * or Prisma inside `run`), because `--help` imports them all to list their summaries.
 */
export function loadCommands(dir = path.join(__dirname, 'commands')): Map<string, Command> {
  const found = new Map<string, Command>();
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.ts') || file.endsWith('.spec.ts') || file.endsWith('.d.ts')) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, file)) as { default?: Command };
    const cmd = mod.default;
    if (!cmd || typeof cmd.run !== 'function') {
      throw new Error(`loadCommands: ${file} must default-export a Command`);
    }
    if (found.has(cmd.name)) throw new Error(`loadCommands: duplicate command name '${cmd.name}' in ${file}`);
    found.set(cmd.name, cmd);
  }
  return found;
}
