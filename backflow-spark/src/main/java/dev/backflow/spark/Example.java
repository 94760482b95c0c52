package dev.backflow.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One training example in a Spark RDD: its features and its target (a class index as a one-element target, or
 * several values, e.g. a GPT window's next tokens). Images may keep their pixels as bytes, a quarter of the
 * memory and of the shuffle of floats, and are standardized when a batch is assembled, exactly as Backflow's
 * {@code ByteImageDataset} does it.
 */
public final class Example implements Serializable {
  private static final long serialVersionUID = 1L;
  private final float[] values;
  private final byte[] pixels;
  private final float scale, shift;
  private final float[] target;

  private Example(float[] values, byte[] pixels, float scale, float shift, float[] target) {
    if (target == null || target.length == 0) throw new IllegalArgumentException("Example: the target is missing");
    this.values = values;
    this.pixels = pixels;
    this.scale = scale;
    this.shift = shift;
    this.target = target;
  }

  /** Float features and a class index (or one regression value). */
  public static Example of(float[] features, float label) {
    return new Example(features.clone(), null, 0f, 0f, new float[] {label});
  }

  /** Float features and a target of several values. */
  public static Example of(float[] features, float[] target) {
    return new Example(features.clone(), null, 0f, 0f, target.clone());
  }

  /**
   * Unsigned-byte pixels, read as {@code (pixel/255 - mean)/std} (the float steps of {@code ByteImageDataset},
   * so batches match it bit for bit), and a class index.
   */
  public static Example ofPixels(byte[] pixels, float mean, float std, float label) {
    if (!(std > 0)) throw new IllegalArgumentException("Example: std must be positive, got " + std);
    return new Example(null, pixels.clone(), 1f / (255f * std), -mean / std, new float[] {label});
  }

  /** Number of feature values. */
  public int size() {
    return values != null ? values.length : pixels.length;
  }

  public int targetSize() {
    return target.length;
  }

  /** The features as floats (standardized pixels for an image). */
  public float[] features() {
    float[] out = new float[size()];
    copyFeaturesTo(out, 0);
    return out;
  }

  public float[] target() {
    return target.clone();
  }

  void copyFeaturesTo(float[] dst, int offset) {
    if (values != null) {
      System.arraycopy(values, 0, dst, offset, values.length);
      return;
    }
    for (int i = 0; i < pixels.length; i++) dst[offset + i] = (pixels[i] & 0xff) * scale + shift;
  }

  void copyTargetTo(float[] dst, int offset) {
    System.arraycopy(target, 0, dst, offset, target.length);
  }

  @Override
  public String toString() {
    return "Example(" + size() + " features, target " + Arrays.toString(target) + ")";
  }
}
