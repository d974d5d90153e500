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

// Enrolment as the protocol says (core/src/sync/enrolment.rs), written again here from the
// description: the code never travels; the request carries an id derived from it, a MAC under a
// key derived from it, and a signature by the device key; the answer must carry a MAC under the
// same key, over its canonical JSON (keys sorted, no whitespace).
const canonical = (v) => Array.isArray(v) ? `[${v.map(canonical).join(',')}]`
  : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
  : JSON.stringify(v);
const hmac = (key, ...parts) => { const h = crypto.createHmac('sha256', key); parts.forEach((p) => h.update(p)); return h.digest(); };
const codeKey = hmac('qorgau enrolment code v1', code.replace(/[\s-]/g, '').toUpperCase());
const claim = {
  code_id: hmac(codeKey, 'code id').subarray(0, 16).toString('hex'),
  device_id: deviceId, public_key: raw, label: 'tus-js-client interop', ts: Math.floor(Date.now() / 1000),
};
const claimBytes = Buffer.concat([Buffer.from('QORGAU-ENROL-REQUEST-1\n'), Buffer.from(canonical(claim))]);
const enrol = await fetch(`${url}/v1/enrol`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ claim, proof: hmac(codeKey, claimBytes).toString('hex'), signature: crypto.sign(null, claimBytes, privateKey).toString('base64') }),
});
if (!enrol.ok) throw new Error(`enrolment failed: ${enrol.status} ${await enrol.text()}`);
const answer = await enrol.json();
const expected = hmac(codeKey, 'QORGAU-ENROL-ANSWER-1\n', canonical(answer.answer)).toString('hex');
if (expected !== answer.mac) throw new Error('the enrolment answer is not bound to the code');

function sign(method, pathAndQuery, body, headers) {
  const ts = Math.floor(Date.now() / 1000);
  const nonce = crypto.randomBytes(16).toString('hex');
  const digest = crypto.createHash('sha256').update(body ?? Buffer.alloc(0)).digest('hex');
  const text = ['QORGAU-REQ-2', method, pathAndQuery, digest, headers['Upload-Offset'] ?? '', headers['Upload-Checksum'] ?? '', ts, nonce].join('\n');
  return {
    'qorgau-device': deviceId,
    'qorgau-timestamp': String(ts),
    'qorgau-nonce': nonce,
    'qorgau-content-sha256': digest,
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
      const target = new URL(u);
      for (const [k, v] of Object.entries(sign(method, target.pathname + target.search, buf, headers))) setHeader(k, v);
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
