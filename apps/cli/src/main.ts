import { CliError } from './command';
import { loadCommands } from './registry';

function help(names: Map<string, { summary: string }>): string {
  const rows = [...names.entries()].map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`).join('\n');
  return `hepatoscope — precision imaging for hepatocellular carcinoma\n\nUsage: hepatoscope <command> [options]\n\nCommands:\n${rows}\n\nRun 'hepatoscope <command> --help' for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const commands = loadCommands();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help(commands));
    return 0;
  }
  if (name === '--version') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    console.log((require('../../../package.json') as { version: string }).version);
    return 0;
  }
  const cmd = commands.get(name);
  if (!cmd) {
    console.error(`hepatoscope: unknown command '${name}'.\n\n${help(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${cmd.summary}\n\n${cmd.usage}`);
    return 0;
  }
  return cmd.run(rest);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof CliError) {
        console.error(`hepatoscope: ${err.message}`);
        process.exit(err.exitCode);
      }
      console.error(err);
      process.exit(1);
    },
  );
}
