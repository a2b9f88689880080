import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * The contract every `hepatoscope` sub-command implements. Each command lives in
 * `src/commands/<name>.ts`, parses its own argv (node:util parseArgs) and returns an exit code.
 * Errors meant for the user are thrown as `CliError` (printed without a stack trace, exit 2).
 */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Parses a command's options strictly (no positionals). A malformed command line becomes a
 * `CliError` that names the command and repeats its usage.
 */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: O,
  usage: string,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (e) {
    throw new CliError(`${command}: ${(e as Error).message}\n\n${usage}`);
  }
}
