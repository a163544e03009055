// The platform's REST API (/v1, gRPC transcoding) with the console session: the cookie goes by
// itself, the CSRF token goes on every state-changing call. Errors keep their google.rpc details.

let csrfToken = '';

export function setCsrfToken(token) {
  csrfToken = token;
}

/** A refusal: HTTP status, gRPC code, ErrorInfo reason and the BadRequest field violations. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `HTTP ${status}`);
    this.status = status;
    this.code = body.code;
    const details = body.details || [];
    const info = details.find((d) => (d['@type'] || '').endsWith('google.rpc.ErrorInfo'));
    this.reason = info ? info.reason : body.reason || '';
    this.metadata = info ? info.metadata || {} : {};
    const bad = details.find((d) => (d['@type'] || '').endsWith('google.rpc.BadRequest'));
    this.fields = bad ? bad.fieldViolations || [] : [];
  }
}

export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = csrfToken;
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { message: text };
  }
  if (response.status === 401) {
    location.assign('/console/login');
  }
  if (!response.ok) {
    throw new ApiError(response.status, json);
  }
  return json;
}

/** GET with a query built from an object (arrays repeat the key). */
export function get(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && v !== '') params.append(key, v);
    }
  }
  const q = params.toString();
  return call('GET', q ? `${path}?${q}` : path);
}

export const post = (path, body = {}) => call('POST', path, body);

/** A fresh request id (the platform's idempotency key): 32 hex characters. */
export function requestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
