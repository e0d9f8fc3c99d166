// Starts @20minutes/s3rver (which ships no bin script) for tests and local runs.
//
//   node scripts/s3rver.mjs --tools .tools --port 14569 --directory DIR \
//        [--address 127.0.0.1] [--bucket beatorleans-test ...] [--pidfile FILE] [--silent]
//
// The package is installed by scripts/test.sh into the git-ignored tools folder
// (`--tools`), so it is loaded from there rather than from a node_modules next to this file.
//
// Buckets given with --bucket are created through the server's own configuration at start
// (idempotent). Default credentials are the server's own: S3RVER / S3RVER.
//
// Signature fix: the .NET AWS SDK signs bucket-level requests (ListObjectsV2, DeleteObjects,
// ...) with the canonical URI `/bucket/`, exactly as it sends them, while s3rver rebuilds the
// canonical URI from the route parameters as `/bucket` and rejects the signature. We keep the
// trailing slash of the request path when s3rver drops it.
//
// Copy fix: the SDK sends `x-amz-copy-source: bucket%2Fkey` (fully encoded, which S3 accepts);
// s3rver decodes it with decodeURI, which leaves `%2F`, and finds no such bucket. The header is
// decoded before s3rver reads it, and signed as it was sent.
import { AsyncLocalStorage } from 'node:async_hooks'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { parseArgs } from 'node:util'

const { values: opts } = parseArgs({
  options: {
    tools: { type: 'string', default: '.tools' },
    address: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    directory: { type: 'string' },
    bucket: { type: 'string', multiple: true, default: [] },
    pidfile: { type: 'string' },
    silent: { type: 'boolean', default: false },
  },
})
if (!opts.port || !opts.directory) {
  console.error('usage: s3rver.mjs --port N --directory DIR [--tools DIR] [--bucket NAME]...')
  process.exit(2)
}

// Debian bookworm's Node.js is 18 (the container image, deploy/containers/images/s3); @koa/router calls
// Array.prototype.toReversed, which Node.js has from 20 on.
if (!Array.prototype.toReversed) {
  Object.defineProperty(Array.prototype, 'toReversed', {
    value() {
      return [...this].reverse()
    },
    configurable: true,
    writable: true,
  })
}

const require = createRequire(path.join(path.resolve(opts.tools), 'resolve-from-here.js'))
const S3rver = require('@20minutes/s3rver')
const v4 = require('@20minutes/s3rver/lib/signature/v4')

const sent = new AsyncLocalStorage() // { path, copySource } of the request as the client sent it
const originalStringToSign = v4.getStringToSign
v4.getStringToSign = (canonicalRequest, request) => {
  const { path: sentPath, copySource } = sent.getStore() ?? {}
  if (sentPath?.endsWith('/') && !canonicalRequest.uri.endsWith('/')) {
    canonicalRequest = { ...canonicalRequest, uri: `${canonicalRequest.uri}/` }
  }
  if (copySource !== undefined) {
    canonicalRequest = { ...canonicalRequest, headers: { ...canonicalRequest.headers, 'x-amz-copy-source': copySource } }
  }
  return originalStringToSign(canonicalRequest, request)
}

fs.mkdirSync(opts.directory, { recursive: true })
const server = new S3rver({
  address: opts.address,
  port: Number(opts.port),
  directory: opts.directory,
  silent: opts.silent,
  configureBuckets: opts.bucket.map((name) => ({ name, configs: [] })),
  // Path-style only (clients set ForcePathStyle): otherwise a request to a host name that is neither an IP nor
  // localhost, such as "s3" on a container network, is read as one to a bucket of that name.
  vhostBuckets: false,
})

const koaCallback = server.callback.bind(server)
server.callback = () => {
  const handle = koaCallback()
  return (req, res) => {
    const copySource = req.headers['x-amz-copy-source']
    if (copySource !== undefined) req.headers['x-amz-copy-source'] = decodeURIComponent(copySource)
    return sent.run({ path: (req.url ?? '/').split('?')[0], copySource }, () => handle(req, res))
  }
}

const { port } = await server.run()
if (opts.pidfile) fs.writeFileSync(opts.pidfile, `${process.pid}\n`)
console.log(`s3rver listening on http://${opts.address}:${port} (buckets: ${opts.bucket.join(', ')})`)

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close().finally(() => process.exit(0))
    setTimeout(() => process.exit(0), 2000).unref()
  })
}
