/**
 * Loads every function and method definition so they register themselves. Import this once
 * (index.ts does) before parsing mappings.
 */
import './methods/strings.js';
import './methods/regexp.js';
import './methods/numbers.js';
import './methods/coercion.js';
import './methods/encoding.js';
import './methods/objects.js';
import './methods/arrays.js';
import './methods/timestamps.js';
import './methods/parsing.js';
import './methods/general.js';
import './methods/jwt.js';
import './functions/message.js';
import './functions/general.js';
import './functions/environment.js';
import './functions/ids.js';
