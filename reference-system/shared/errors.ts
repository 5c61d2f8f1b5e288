/** An error the HTTP layer turns into `{"error": {"code", "message"}}` with a status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  /** Fields the body carries beside `error` (e.g. `opensAt` of QUEUE_NOT_OPEN). */
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.details = details;
    this.name = 'ApiError';
  }
}

export const validationFailed = (message: string) => new ApiError(400, 'VALIDATION_FAILED', message);
export const notFound = (code: string, message: string) => new ApiError(404, code, message);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
/** A dependency is briefly down (failover, restart): the client should retry after a second. */
export const unavailable = (message: string) => new ApiError(503, 'SERVICE_UNAVAILABLE', message, { 'retry-after': '1' });
