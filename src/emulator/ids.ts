import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 20-character `[A-Za-z0-9]` id, the shape the platform uses for contacts, notes, tasks, users and locations. */
// One syscall per 4 KiB of randomness instead of one per id: ids are made on every create.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

export function newId(): string {
  if (poolAt + 20 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  let out = '';
  for (let i = 0; i < 20; i++) out += ALPHABET[pool[poolAt++]! % 62];
  return out;
}

/** A 24-hex Mongo-style ObjectId, the shape the platform uses for businesses. */
export function newObjectId(): string {
  return randomBytes(12).toString('hex');
}

export function newTraceId(): string {
  return randomUUID();
}

export const FIREBASE_ID = /^[A-Za-z0-9]{20}$/;
export const OBJECT_ID = /^[0-9a-f]{24}$/;
