import fs from 'node:fs';
import path from 'node:path';

/** prisma/schema.prisma: every model, enum and model field carries a `///` documentation comment. */
describe('schema documentation', () => {
  const file = path.resolve(__dirname, '../../../prisma/schema.prisma');
  const lines = fs.readFileSync(file, 'utf8').split('\n');

  it('documents every model, enum and field', () => {
    const missing: string[] = [];
    let block: string | null = null;
    lines.forEach((raw, i) => {
      const line = raw.trim();
      const prev = lines[i - 1]?.trim() ?? '';
      const open = /^(model|enum)\s+(\w+)\s*\{/.exec(line);
      if (open) {
        block = `${open[1]} ${open[2]}`;
        if (!prev.startsWith('///')) missing.push(block);
        return;
      }
      if (line === '}') {
        block = null;
        return;
      }
      if (block?.startsWith('model') && /^\w+\s+\S+/.test(line) && !line.startsWith('@@') && !prev.startsWith('///')) {
        missing.push(`${block}.${line.split(/\s+/)[0]}`);
      }
    });
    expect(missing).toEqual([]);
  });
});
