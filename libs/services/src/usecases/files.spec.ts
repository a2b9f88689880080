import path from 'node:path';
import { resolveStorageUri } from './files';

describe('resolveStorageUri', () => {
  const root = path.resolve('/data/files');
  it('resolves file: URIs below the root', () => {
    expect(resolveStorageUri(root, 'file:series/abc.nii.gz')).toBe(path.join(root, 'series/abc.nii.gz'));
  });
  it.each(['file:../secret', 'file:series/../../etc/passwd', 'file:/etc/passwd', 'file:a\0b', 'file:', 'file:..\\x'])(
    'rejects %j',
    (uri) => {
      expect(() => resolveStorageUri(root, uri)).toThrow(/escapes the data directory/);
    },
  );
  it('rejects other schemes', () => {
    expect(() => resolveStorageUri(root, 's3://bucket/x')).toThrow(/Unsupported storage URI/);
  });
});
