import type { Command } from '../command';

/** `hepatoscope version`: prints the platform version and the Node.js runtime. */
const version: Command = {
  name: 'version',
  summary: 'Print the Hepatoscope version and runtime',
  usage: 'Usage: hepatoscope version',
  async run() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('../../../../package.json') as { version: string };
    console.log(`hepatoscope ${pkg.version} (node ${process.version})`);
    return 0;
  },
};
export default version;
