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
