/**
 * Password hash comparisons: `compare_bcrypt` and `compare_argon2` (string methods in the
 * Benthos docs, implemented with the encoding helpers).
 */
import { registerMethod } from '../registry.js';
import { BloblangError } from '../value.js';
import { argText, requireBytes } from './coercion_values.js';
import { compareArgon2 } from './encoding_argon2.js';
import { compareBcrypt } from './encoding_bcrypt.js';

const category = 'String Manipulation';

registerMethod({
  name: 'compare_bcrypt',
  category,
  description: 'Checks whether a string matches a hashed secret using bcrypt.',
  params: [{ name: 'hashed_secret', type: 'string', description: 'The hashed secret value to compare with the input.' }],
  examples: [
    {
      mapping: 'root.match = this.secret.compare_bcrypt("$2y$10$Dtnt5NNzVtMCOZONT705tOcS8It6krJX8bEjnDJnwxiFKsz1C.3Ay")',
      results: [['{"secret":"there-are-many-blobs-in-the-sea"}', '{"match":true}'], ['{"secret":"will-i-ever-find-love"}', '{"match":false}']],
    },
  ],
  build: (args) => {
    const hashed = argText(args.hashed_secret, 'field hashed_secret');
    return (v) => compareBcrypt(hashed, requireBytes(v));
  },
});

registerMethod({
  name: 'compare_argon2',
  category,
  description: 'Checks whether a string matches a hashed secret using Argon2.',
  params: [
    {
      name: 'hashed_secret',
      type: 'string',
      description: 'The hashed secret to compare with the input. This must be a fully-qualified string which encodes the Argon2 options used to generate the hash.',
    },
  ],
  examples: [
    {
      mapping:
        'root.match = this.secret.compare_argon2("$argon2id$v=19$m=4096,t=3,p=1$c2FsdHktbWNzYWx0ZmFjZQ$RMUMwgtS32/mbszd+ke4o4Ej1jFpYiUqY6MHWa69X7Y")',
      results: [['{"secret":"there-are-many-blobs-in-the-sea"}', '{"match":true}'], ['{"secret":"will-i-ever-find-love"}', '{"match":false}']],
    },
  ],
  build: (args) => {
    const hashed = argText(args.hashed_secret, 'field hashed_secret');
    if (!hashed.startsWith('$argon2')) throw new BloblangError('invalid hash format');
    return (v) => compareArgon2(hashed, requireBytes(v));
  },
});
