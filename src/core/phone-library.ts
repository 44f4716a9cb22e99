import { createRequire } from 'node:module';

/**
 * libphonenumber-js, loaded on first use: its metadata is a large share of a
 * process's memory, and commands that never read a phone (export) should not
 * pay for it. Synchronous, so pure validators can call it.
 */

type PhoneLibrary = typeof import('libphonenumber-js');

let library: PhoneLibrary | undefined;

export function phoneLibrary(): PhoneLibrary {
  library ??= createRequire(import.meta.url)('libphonenumber-js') as PhoneLibrary;
  return library;
}
