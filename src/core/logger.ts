import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * The one logger factory. Logs go to stderr (stdout may carry CSV). Anything
 * that could hold a credential is redacted by path, compiled once.
 */

export const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
];

export interface LoggerOptions {
  /** @default 'info' */
  level?: string;
  /** @default stderr */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

export type { Logger };
