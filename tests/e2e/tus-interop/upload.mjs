// Uploads a file to a Qorgau station with tus-js-client (an independent tus 1.0 client), as an
// enrolled device: every request carries the device's Ed25519 signature, computed in a wrapper
// around the client's own HTTP stack (the body digest is known only when the body is sent).
//   node upload.mjs <station url> <enrolment code> <file>
import crypto from 'node:crypto';
import fs from 'node:fs';
import * as tus from 'tus-js-client';

const [url, code, path] = process.argv.slice(2);
const data = fs.readFileSync(path);
const sha = crypto.createHash('sha256').update(data).digest('hex');

const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
const deviceId = crypto.randomUUID();
const enrol = await fetch(`${url}/v1/enrol`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ code, device_id: deviceId, public_key: raw, label: 'tus-js-client interop' }),
});
if (!enrol.ok) throw new Error(`enrolment failed: ${enrol.status} ${await enrol.text()}`);

function sign(method, pathname, body, headers) {
  const ts = Math.floor(Date.now() / 1000);
  const nonce = crypto.randomBytes(16).toString('hex');
  const digest = crypto.createHash('sha256').update(body ?? Buffer.alloc(0)).digest('hex');
  const text = ['QORGAU-REQ-1', method, pathname, digest, headers['Upload-Offset'] ?? '', headers['Upload-Checksum'] ?? '', ts, nonce].join('\n');
  return {
    'qorgau-device': deviceId,
    'qorgau-timestamp': String(ts),
    'qorgau-nonce': nonce,
    'qorgau-signature': crypto.sign(null, Buffer.from(text), privateKey).toString('base64'),
  };
}

// Wrap the default Node HTTP stack: sign each request when its body is handed over.
const inner = new tus.DefaultHttpStack({});
const httpStack = {
  getName: () => 'QorgauSigningStack',
  createRequest(method, u) {
    const req = inner.createRequest(method, u);
    const headers = {};
    const setHeader = req.setHeader.bind(req);
    req.setHeader = (k, v) => { headers[k] = v; setHeader(k, v); };
    const send = req.send.bind(req);
    req.send = (body) => {
      const buf = body == null ? Buffer.alloc(0) : Buffer.from(body);
      for (const [k, v] of Object.entries(sign(method, new URL(u).pathname, buf, headers))) setHeader(k, v);
      return send(body == null ? null : buf);
    };
    return req;
  },
};

await new Promise((resolve, reject) => {
  const upload = new tus.Upload(data, {
    endpoint: `${url}/v1/uploads`,
    chunkSize: 1024 * 1024,
    metadata: { sha256: sha, filename: 'interop.bin' },
    httpStack,
    retryDelays: [0, 200, 500],
    onError: reject,
    onSuccess: resolve,
  });
  upload.start();
});
console.log(`tus-js-client uploaded ${data.length} bytes, sha256 ${sha}`);
