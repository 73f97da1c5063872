// Structured log lines; every line carries the request id so one request can be followed.
export const log = (requestId: string | undefined, event: string, data: Record<string, unknown> = {}) => {
  console.log(JSON.stringify({ t: new Date().toISOString(), requestId, event, ...data }));
};
