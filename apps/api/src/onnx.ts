/**
 * The ONNX check behind model uploads (`ServiceDeps.verifyOnnxModel`): loads `DIR/manifest.json` + the model with
 * @hepatoscope/inference exactly as the segmentation worker will — manifest schema and consistency, SHA-256, an
 * onnxruntime-node CPU session, and the graph's input/output names, dtype and fixed dimensions against the
 * manifest — then releases the session. Throws the inference library's message (naming the failing field) on any
 * mismatch. Loaded lazily so the API starts without touching onnxruntime.
 */
import type { OnnxVerification } from '@hepatoscope/services';

export async function verifyOnnxModelDir(dir: string): Promise<OnnxVerification> {
  const { SegmentationModel } = await import('@hepatoscope/inference');
  const model = await SegmentationModel.load(dir, { providers: 'cpu' });
  try {
    const out = model.session.outputMetadata?.find((x) => x.name === model.manifest.output.name);
    if (out && out.isTensor && out.type !== model.manifest.output.dtype)
      throw new Error(
        `model ${model.key}: graph output "${out.name}" is ${out.type} but the manifest says ${model.manifest.output.dtype}`,
      );
    if (out && out.isTensor && out.shape.length && out.shape.length !== model.manifest.output.shape.length)
      throw new Error(
        `model ${model.key}: graph output has rank ${out.shape.length} but the manifest shape has rank ${model.manifest.output.shape.length}`,
      );
    if (out && out.isTensor)
      out.shape.forEach((d, i) => {
        const md = model.manifest.output.shape[i];
        if (typeof d === 'number' && d > 0 && md !== -1 && d !== md)
          throw new Error(`model ${model.key}: graph output dim ${i} is ${d} but the manifest says ${md}`);
      });
    return {
      provider: model.provider,
      inputNames: [...model.session.inputNames],
      outputNames: [...model.session.outputNames],
    };
  } finally {
    await model.release();
  }
}
