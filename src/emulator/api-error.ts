/**
 * An error the emulator answers with, in the platform's NestJS-style body:
 * `{statusCode, message, error, traceId}`; `message` is an array on 422.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly messages: string | string[];
  readonly meta: Record<string, unknown> | undefined;

  constructor(status: number, messages: string | string[], meta?: Record<string, unknown>) {
    super(Array.isArray(messages) ? messages.join('; ') : messages);
    this.name = 'ApiError';
    this.status = status;
    this.messages = status === 422 && !Array.isArray(messages) ? [messages] : messages;
    this.meta = meta;
  }

  toBody(traceId: string): Record<string, unknown> {
    const body: Record<string, unknown> = {
      statusCode: this.status,
      message: this.messages,
      error: STATUS_TEXT[this.status] ?? 'Error',
    };
    if (this.meta) body.meta = this.meta;
    body.traceId = traceId;
    return body;
  }
}

export const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const contactNotFound = (id: string): ApiError => new ApiError(400, `Contact not found for id:${id}`);

/** An error whose body has no `error` field, as the platform's `{"statusCode":401,"message":"Invalid JWT"}`. */
export class BareApiError extends ApiError {
  override toBody(traceId: string): Record<string, unknown> {
    return { statusCode: this.status, message: this.messages, traceId };
  }
}
