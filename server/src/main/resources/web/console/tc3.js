// Tencent Cloud API 3.0 requests from the browser: TC3-HMAC-SHA256 signatures made with WebCrypto (crypto.subtle),
// the same canonical request the server checks (io.lianmai.server.api.Tc3Signature). No hand-written crypto.

const VERSION = '2019-07-22';
const ALGORITHM = 'TC3-HMAC-SHA256';
/** The service in the credential scope: the server verifies with the scope as sent, Tencent's SDKs send "trtc". */
const SERVICE = 'trtc';
const encoder = new TextEncoder();

/** Whether this page can sign: WebCrypto exists only in secure contexts (https, localhost, 127.0.0.1). */
export function canSign() {
  return Boolean(globalThis.isSecureContext !== false && globalThis.crypto && globalThis.crypto.subtle);
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256Hex(text) {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

async function hmac(key, text) {
  const raw = typeof key === 'string' ? encoder.encode(key) : key;
  const imported = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', imported, encoder.encode(text));
}

/**
 * The Authorization header of POST / with this body, signing content-type and host.
 * @param {{secretId: string, secretKey: string, host: string, body: string, timestamp: number}} request
 */
export async function authorization({ secretId, secretKey, host, body, timestamp }) {
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const canonical = `POST\n/\n\ncontent-type:application/json\nhost:${host}\n\ncontent-type;host\n`
    + await sha256Hex(body);
  const scope = `${date}/${SERVICE}/tc3_request`;
  const toSign = `${ALGORITHM}\n${timestamp}\n${scope}\n${await sha256Hex(canonical)}`;
  const secretDate = await hmac(`TC3${secretKey}`, date);
  const secretService = await hmac(secretDate, SERVICE);
  const secretSigning = await hmac(secretService, 'tc3_request');
  const signature = hex(await hmac(secretSigning, toSign));
  return `${ALGORITHM} Credential=${secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
}

/** A refused call: Tencent's error code and message. */
export class ApiError extends Error {
  constructor(code, message, requestId) {
    super(`${code}: ${message}`);
    this.code = code;
    this.requestId = requestId;
  }
}

/**
 * Calls a server API action with a credential; resolves with the Response's fields, rejects with an ApiError.
 * @param {{secretId: string, secretKey: string}} credential
 */
export async function call(credential, action, params = {}) {
  const body = JSON.stringify(params);
  const timestamp = Math.floor(Date.now() / 1000);
  const auth = await authorization({ ...credential, host: location.host, body, timestamp });
  const response = await fetch('/', {
    method: 'POST',
    cache: 'no-store',
    credentials: 'omit',
    headers: {
      'Content-Type': 'application/json',
      'X-TC-Action': action,
      'X-TC-Version': VERSION,
      'X-TC-Timestamp': String(timestamp),
      Authorization: auth,
    },
    body,
  });
  let json;
  try {
    json = await response.json();
  } catch (e) {
    throw new ApiError('InternalError', `the server answered HTTP ${response.status} without JSON`, '');
  }
  const answer = json && json.Response;
  if (!answer) {
    throw new ApiError('InternalError', 'the answer has no Response', '');
  }
  if (answer.Error) {
    throw new ApiError(answer.Error.Code, answer.Error.Message, answer.RequestId);
  }
  return answer;
}
