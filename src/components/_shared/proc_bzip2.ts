/**
 * bzip2 for the `decompress` processor and Bloblang: a whole message at a time, through the
 * decoder the `decompress` scanner uses too (bzip2_decoder.ts). Benthos reads bzip2 but never
 * writes it, so there is no encoder.
 */
export { decodeBzip2Buffer as decompressBzip2 } from './bzip2_decoder.js';
