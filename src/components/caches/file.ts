import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { registerCache, field, objectConfig, type Cache } from '../../plugin/index.js';

registerCache(
  {
    name: 'file',
    summary: 'Stores each item in a directory as a file, where an item ID is the path relative to the configured directory.',
    description:
      'This type currently offers no form of item expiry or garbage collection, and is intended to be used for development and debugging purposes only. Keys that would resolve outside of the directory (such as `../x`) are refused.',
    categories: ['Local'],
    config: objectConfig([field.string('directory', 'The directory within which to store items.')]),
  },
  (conf: { directory: string }): Cache => {
    const root = resolve(conf.directory);
    const pathOf = (key: string): string => {
      const p = resolve(root, key);
      if (p === root || !p.startsWith(root + sep)) throw new Error(`file cache: key ${JSON.stringify(key)} is not a path inside ${conf.directory}`);
      return p;
    };
    const write = async (key: string, value: Uint8Array, flag: 'w' | 'wx'): Promise<void> => {
      const p = pathOf(key);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, value, { flag });
    };
    return {
      async get(key) {
        try {
          return await readFile(pathOf(key));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
          throw e;
        }
      },
      async set(key, value) {
        await write(key, value, 'w');
      },
      async add(key, value) {
        try {
          await write(key, value, 'wx');
          return true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
          throw e;
        }
      },
      async delete(key) {
        await rm(pathOf(key), { force: true });
      },
    };
  },
);
