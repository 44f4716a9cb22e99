import { ApiError } from './api-error.js';

/**
 * A search body the emulator refuses. It is an {@link ApiError}, so a route can
 * let it propagate: 400 carries one message string (`Invalid field x`), 422 a
 * NestJS-style array of messages.
 */
export class SearchInputError extends ApiError {
  declare readonly status: 400 | 422;

  constructor(status: 400 | 422, messages: string | string[]) {
    super(status, messages);
    this.name = 'SearchInputError';
  }
}

export const badRequest = (message: string): SearchInputError => new SearchInputError(400, message);
export const unprocessableSearch = (...messages: string[]): SearchInputError => new SearchInputError(422, messages);
