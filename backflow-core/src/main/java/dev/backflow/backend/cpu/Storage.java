package dev.backflow.backend.cpu;

import dev.backflow.backend.NdArray;
import dev.backflow.backend.Shapes;
import dev.backflow.backend.StorageKernels;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/** Creating, copying and converting arrays (the storage family), in plain Java: all of it is memory-bound. */
final class Storage implements StorageKernels {

  @Override
  public NdArray full(int[] shape, float value) {
    float[] d = new float[Shapes.numel(shape)];
    if (value != 0f) Arrays.fill(d, value);
    return NdArray.wrap(d, shape);
  }

  @Override
  public NdArray arange(double start, double end, double step) {
    int n = (int) Math.max(0, Math.ceil((end - start) / step));
    float[] d = new float[n];
    for (int i = 0; i < n; i++) d[i] = (float) (start + i * step);
    return NdArray.wrap(d, n);
  }

  @Override
  public NdArray eye(int n, int m) {
    float[] d = new float[n * m];
    for (int i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1f;
    return NdArray.wrap(d, n, m);
  }

  @Override
  public NdArray randn(int[] shape, RandomGenerator rng) {
    float[] d = new float[Shapes.numel(shape)];
    for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextGaussian();
    return NdArray.wrap(d, shape);
  }

  @Override
  public NdArray rand(int[] shape, float low, float high, RandomGenerator rng) {
    float[] d = new float[Shapes.numel(shape)];
    float range = high - low;
    for (int i = 0; i < d.length; i++) d[i] = low + range * rng.nextFloat();
    return NdArray.wrap(d, shape);
  }

  @Override
  public NdArray bernoulli(int[] shape, float keep, float scale, RandomGenerator rng) {
    float[] d = new float[Shapes.numel(shape)];
    for (int i = 0; i < d.length; i++) d[i] = rng.nextFloat() < keep ? scale : 0f;
    return NdArray.wrap(d, shape);
  }

  @Override
  public NdArray fullInt64(int[] shape, long value) {
    long[] d = new long[Shapes.numel(shape)];
    if (value != 0) Arrays.fill(d, value);
    return NdArray.wrapLongs(d, shape);
  }

  @Override
  public NdArray toFloat(NdArray x) {
    if (!x.isIntegral()) return x;
    NdArray c = dense(x);
    long[] d = c.longs();
    float[] out = new float[c.size()];
    for (int i = 0, o = c.offset(); i < out.length; i++) out[i] = d[o + i];
    return NdArray.wrap(out, c.shape());
  }

  @Override
  public NdArray toInt64(NdArray x) {
    if (x.isIntegral()) return x;
    NdArray c = dense(x);
    float[] d = c.data();
    long[] out = new long[c.size()];
    for (int i = 0, o = c.offset(); i < out.length; i++) {
      float f = d[o + i];
      if (!Float.isFinite(f)) throw new IllegalArgumentException("to(INT64): " + f + " has no integer value");
      out[i] = (long) f;
    }
    return NdArray.wrapLongs(out, c.shape());
  }

  @Override
  public NdArray contiguous(NdArray x) {
    return dense(x);
  }

  @Override
  public NdArray copy(NdArray x) {
    return copyOf(x);
  }

  /** {@code x} itself when contiguous, else a contiguous copy: what most kernels want their inputs as. */
  static NdArray dense(NdArray x) {
    return x.isContiguous() ? x : copyOf(x);
  }

  static NdArray copyOf(NdArray x) {
    if (x.isIntegral()) {
      NdArray out = NdArray.wrapLongs(new long[x.size()], x.shape());
      copyLongs(x, out);
      return out;
    }
    float[] out = new float[x.size()];
    if (x.isContiguous()) {
      System.arraycopy(x.data(), x.offset(), out, 0, x.size());
    } else if (!Elementwise.transposedCopy(x, out)) {
      int[] shape = x.shape();
      float[] xd = x.data();
      StridedLoop.run(shape, x.offset(), x.strides(), 0, null, 0, Shapes.contiguousStrides(shape),
          (pa, sa, pb, sb, pc, sc, n) -> {
            for (int i = 0; i < n; i++) out[pc + i * sc] = xd[pa + i * sa];
          });
    }
    return x.withData(out);
  }

  @Override
  public void copyInto(NdArray src, NdArray dst) {
    if (src.isIntegral() || dst.isIntegral()) {
      // Either side int64: convert a float source first (refusing NaN), then copy longs or widen to float.
      NdArray s = (dst.isIntegral() ? toInt64(src) : src).expand(dst.shape());
      if (dst.isIntegral()) {
        copyLongs(s, dst);
        return;
      }
      long[] sd = s.longs();
      float[] dd = dst.data();
      StridedLoop.run(dst.shape(), s.offset(), s.strides(), 0, null, dst.offset(), dst.strides(),
          (pa, sa, pb, sb, pc, sc, n) -> {
            for (int i = 0; i < n; i++) dd[pc + i * sc] = sd[pa + i * sa];
          });
      return;
    }
    NdArray s = src.expand(dst.shape());
    float[] sd = s.data(), dd = dst.data();
    StridedLoop.run(dst.shape(), s.offset(), s.strides(), 0, null, dst.offset(), dst.strides(),
        (pa, sa, pb, sb, pc, sc, n) -> {
          for (int i = 0; i < n; i++) dd[pc + i * sc] = sd[pa + i * sa];
        });
  }

  // src (already dst's shape) into dst, both int64
  private static void copyLongs(NdArray src, NdArray dst) {
    long[] sd = src.longs(), dd = dst.longs();
    StridedLoop.run(dst.shape(), src.offset(), src.strides(), 0, null, dst.offset(), dst.strides(),
        (pa, sa, pb, sb, pc, sc, n) -> {
          for (int i = 0; i < n; i++) dd[pc + i * sc] = sd[pa + i * sa];
        });
  }

  @Override
  public int[] readIndices(NdArray x) {
    if (x.isIntegral()) {
      NdArray c = dense(x);
      long[] d = c.longs();
      int[] out = new int[c.size()];
      for (int i = 0, o = c.offset(); i < out.length; i++) {
        long v = d[o + i];
        if (v != (int) v) return null;
        out[i] = (int) v;
      }
      return out;
    }
    NdArray c = dense(x);
    float[] d = c.data();
    int[] out = new int[c.size()];
    for (int i = 0, o = c.offset(); i < out.length; i++) {
      float f = d[o + i];
      if (!Float.isFinite(f) || f != Math.rint(f)) return null;
      out[i] = (int) f;
    }
    return out;
  }

  @Override
  public short[] toBf16(NdArray x) {
    NdArray c = dense(x);
    float[] d = c.data();
    short[] out = new short[c.size()];
    for (int i = 0, o = c.offset(); i < out.length; i++) {
      int bits = Float.floatToRawIntBits(d[o + i]);
      if ((bits & 0x7fffffff) > 0x7f800000) {
        out[i] = (short) ((bits >>> 16) | 0x40); // keep NaN a (quiet) NaN
      } else {
        out[i] = (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16); // round half to even
      }
    }
    return out;
  }

  @Override
  public NdArray fromBf16(short[] bits, int[] shape) {
    float[] out = new float[bits.length];
    for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat((bits[i] & 0xffff) << 16);
    return NdArray.wrap(out, shape);
  }
}
