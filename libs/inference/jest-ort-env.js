/**
 * Jest test environment for tests that run onnxruntime-node. The native binding creates output tensors'
 * typed arrays in Node's main realm, and onnxruntime-common checks them with `instanceof Float32Array`
 * of the realm it was loaded in — Jest's per-test VM context — so every session.run fails with
 * "A float32 tensor's data must be type of function Float32Array()". Sharing the main realm's typed-array
 * constructors with the test context makes both sides agree. Use with a docblock at the top of a spec:
 *   /** @jest-environment <relative path to this file> *\/
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) if (globalThis[name]) this.global[name] = globalThis[name];
  }
}
module.exports = OrtEnvironment;
