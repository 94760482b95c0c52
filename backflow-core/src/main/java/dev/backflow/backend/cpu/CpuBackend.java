package dev.backflow.backend.cpu;

import dev.backflow.backend.Backend;
import dev.backflow.backend.BinaryOp;
import dev.backflow.backend.Conv2dSpec;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.Pool2dSpec;
import dev.backflow.backend.PoolResult;
import dev.backflow.backend.ReduceOp;
import dev.backflow.backend.Shapes;
import dev.backflow.backend.UnaryOp;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/** The pure-Java CPU backend: strided loops for element-wise work, a packed GEMM for products. */
public final class CpuBackend implements Backend {
  private final Gemm gemm;
  private final FusedKernels fused;

  /** The fastest kernels this JVM allows (SIMD when the Vector API module is present). */
  public CpuBackend() {
    this(Vectorization.bestMicroKernel());
  }

  CpuBackend(MicroKernel kernel) {
    this.gemm = new Gemm(kernel);
    this.fused = Vectorization.fusedKernels(kernel);
  }

  /** A backend on the plain-Java kernels, whatever the JVM offers: the twin the SIMD path is tested against. */
  public static CpuBackend scalar() {
    return new CpuBackend(new ScalarMicroKernel());
  }

  @Override
  public String name() {
    return "cpu (" + gemm.kernelName() + ")";
  }

  // ---- creation

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

  // ---- copies

  @Override
  public NdArray contiguous(NdArray x) {
    return x.isContiguous() ? x : copy(x);
  }

  @Override
  public NdArray copy(NdArray x) {
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
    NdArray s = src.expand(dst.shape());
    float[] sd = s.data(), dd = dst.data();
    StridedLoop.run(dst.shape(), s.offset(), s.strides(), 0, null, dst.offset(), dst.strides(),
        (pa, sa, pb, sb, pc, sc, n) -> {
          for (int i = 0; i < n; i++) dd[pc + i * sc] = sd[pa + i * sa];
        });
  }

  // ---- element-wise

  /** Element-wise work is split across cores in chunks of at least this many elements (memory-bound). */
  private static final int CHUNK = 1 << 15;

  private interface Range {
    void run(int from, int to);
  }

  /** Runs body over [from, to) in contiguous shares, one per core when there is enough work. */
  private static void splitRange(int from, int to, Range body) {
    int n = to - from, tasks = Math.min(Parallel.threads(), Math.max(1, n / CHUNK));
    if (tasks <= 1) {
      if (n > 0) body.run(from, to);
      return;
    }
    int per = ((n + tasks - 1) / tasks + 15) / 16 * 16;
    Parallel.forEach(tasks, t -> {
      int s = from + t * per, e = Math.min(to, s + per);
      if (s < e) body.run(s, e);
    });
  }

  @Override
  public NdArray unary(UnaryOp op, NdArray x, float p, float q) {
    if (x.isContiguous() && x.size() >= 64) {
      float[] out = new float[x.size()];
      float[] xd = x.data();
      int xo = x.offset();
      if (fused.unary(op, xd, xo, out, 0, Math.min(out.length, CHUNK), p)) {
        // The first chunk ran here (and told us the op has a fused form); the rest split across cores.
        if (out.length > CHUNK) splitRange(CHUNK, out.length, (from, to) -> fused.unary(op, xd, xo + from, out, from, to - from, p));
        return x.withData(out);
      }
    }
    return Elementwise.unary(op, x, p, q);
  }

  @Override
  public NdArray mulUnary(NdArray g, UnaryOp op, NdArray x, float p, float q) {
    if (!g.isContiguous() || !x.isContiguous() || !g.sameShape(x) || x.size() < 64) return Backend.super.mulUnary(g, op, x, p, q);
    float[] out = new float[x.size()], xd = x.data(), gd = g.data();
    int xo = x.offset(), go = g.offset();
    // Blocks small enough that op(x) is still in L1 when it is multiplied by g: one pass over memory.
    splitRange(0, out.length, (from, to) -> {
      for (int s = from; s < to; s += 4096) {
        int n = Math.min(4096, to - s);
        if (!fused.unary(op, xd, xo + s, out, s, n, p)) {
          NdArray part = Elementwise.unary(op, new NdArray(xd, xo + s, new int[] {n}, new int[] {1}), p, q);
          System.arraycopy(part.data(), 0, out, s, n);
        }
        Elementwise.binaryContiguous(BinaryOp.MUL, out, s, gd, go + s, out, s, n);
      }
    });
    return x.withData(out);
  }

  @Override
  public NdArray binary(BinaryOp op, NdArray a, NdArray b) {
    if (a.isContiguous() && b.isContiguous() && a.sameShape(b)) {
      // The common case first, with no shape arithmetic: same-shaped dense operands.
      float[] out = new float[a.size()], ad = a.data(), bd = b.data();
      int ao = a.offset(), bo = b.offset();
      splitRange(0, out.length, (from, to) -> {
        if (!fused.binary(op, ad, ao + from, bd, bo + from, out, from, to - from)) {
          Elementwise.binaryContiguous(op, ad, ao + from, bd, bo + from, out, from, to - from);
        }
      });
      return a.withData(out);
    }
    int[] shape = Shapes.tryBroadcast(a.shape(), b.shape());
    if (shape == null) {
      throw new IllegalArgumentException(op + ": shapes " + Shapes.str(a.shape()) + " and "
          + Shapes.str(b.shape()) + " do not broadcast");
    }
    float[] out = new float[Shapes.numel(shape)];
    float[] ad = a.data(), bd = b.data();
    if (a.isContiguous() && b.isContiguous() && a.hasShape(shape) && isTrailing(b.shape(), shape)) {
      // x + bias: b repeats along the leading dims; run row by row with unit strides.
      int row = b.size();
      for (int start = 0; start < out.length; start += row) {
        Elementwise.binaryContiguous(op, ad, a.offset() + start, bd, b.offset(), out, start, row);
      }
    } else if (a.isContiguous() && b.isContiguous() && a.hasShape(shape) && trailingBlock(b.shape(), shape) > 1) {
      // x - mean(x, -1, keepDim), conv output + bias[1, C, 1, 1]: one value of b per contiguous block of a.
      int block = trailingBlock(b.shape(), shape), bn = b.size();
      for (int r = 0, start = 0; start < out.length; r++, start += block) {
        Elementwise.binaryScalarRow(op, ad, a.offset() + start, bd[b.offset() + r % bn], out, start, block);
      }
    } else {
      NdArray ea = a.expand(shape), eb = b.expand(shape);
      StridedLoop.run(shape, ea.offset(), ea.strides(), eb.offset(), eb.strides(), 0, Shapes.contiguousStrides(shape),
          (pa, sa, pb, sb, pc, sc, n) -> Elementwise.binaryRow(op, ad, pa, sa, bd, pb, sb, out, pc, sc, n));
    }
    return NdArray.wrapOwned(out, shape);
  }

  /**
   * When {@code b}, right-aligned to {@code shape}, is 1 on some leading dims, equal to shape on the middle
   * ones and 1 on the trailing ones, each value of b covers a contiguous block of the result: returns the
   * block's length (the product of the trailing dims), or -1 for other patterns.
   */
  private static int trailingBlock(int[] b, int[] shape) {
    int lead = shape.length - b.length;
    if (lead < 0) return -1;
    int last = shape.length - 1;
    while (last >= 0 && (last < lead || b[last - lead] == 1)) last--;
    if (last < 0) return -1;
    int block = 1;
    for (int d = last + 1; d < shape.length; d++) block *= shape[d];
    int first = last;
    while (first >= lead && b[first - lead] != 1) {
      if (b[first - lead] != shape[first]) return -1;
      first--;
    }
    for (int d = first; d >= lead; d--) if (b[d - lead] != 1) return -1;
    return block;
  }

  /** True when {@code small} (ignoring leading 1s) equals the last dims of {@code shape}. */
  private static boolean isTrailing(int[] small, int[] shape) {
    int lead = 0;
    while (lead < small.length && small[lead] == 1) lead++;
    int n = small.length - lead;
    if (n == 0 || n > shape.length) return false;
    for (int i = 0; i < n; i++) if (small[lead + i] != shape[shape.length - n + i]) return false;
    return true;
  }

  @Override
  public void binaryInPlace(BinaryOp op, NdArray target, NdArray b) {
    NdArray eb = b.expand(target.shape());
    float[] td = target.data(), bd = eb.data();
    if (target.isContiguous() && eb.isContiguous()) {
      Elementwise.binaryContiguous(op, td, target.offset(), bd, eb.offset(), td, target.offset(), target.size());
      return;
    }
    StridedLoop.run(target.shape(), target.offset(), target.strides(), eb.offset(), eb.strides(),
        target.offset(), target.strides(),
        (pa, sa, pb, sb, pc, sc, n) -> Elementwise.binaryRow(op, td, pa, sa, bd, pb, sb, td, pc, sc, n));
  }

  @Override
  public NdArray where(NdArray cond, NdArray a, NdArray b) {
    int[] ab = Shapes.tryBroadcast(a.shape(), b.shape());
    int[] shape = ab == null ? null : Shapes.tryBroadcast(cond.shape(), ab);
    if (shape == null) {
      throw new IllegalArgumentException("where: shapes " + Shapes.str(cond.shape()) + ", " + Shapes.str(a.shape())
          + " and " + Shapes.str(b.shape()) + " do not broadcast");
    }
    NdArray ec = contiguous(cond.expand(shape));
    NdArray ea = a.expand(shape), eb = b.expand(shape);
    float[] out = new float[Shapes.numel(shape)];
    float[] cd = ec.data(), ad = ea.data(), bd = eb.data();
    int co = ec.offset();
    int[] outStrides = Shapes.contiguousStrides(shape);
    // cond is contiguous and shaped like out, so the output position doubles as its index.
    StridedLoop.run(shape, ea.offset(), ea.strides(), eb.offset(), eb.strides(), 0, outStrides,
        (pa, sa, pb, sb, pc, sc, n) -> {
          for (int i = 0; i < n; i++) {
            out[pc + i * sc] = cd[co + pc + i * sc] != 0f ? ad[pa + i * sa] : bd[pb + i * sb];
          }
        });
    return NdArray.wrap(out, shape);
  }

  // ---- reductions

  @Override
  public NdArray reduce(ReduceOp op, NdArray x, boolean[] dims, boolean keepDim) {
    return Reductions.reduce(op, x, dims, keepDim);
  }

  @Override
  public NdArray argReduce(ReduceOp op, NdArray x, int dim, boolean keepDim) {
    return Reductions.argReduce(op, x, dim, keepDim);
  }

  @Override
  public boolean allFinite(NdArray x) {
    NdArray c = contiguous(x);
    float[] d = c.data();
    for (int i = c.offset(), end = c.offset() + c.size(); i < end; i++) {
      if (!Float.isFinite(d[i])) return false;
    }
    return true;
  }

  @Override
  public NdArray softmax(NdArray x, int dim, boolean log) {
    return Reductions.softmax(contiguous(x), dim, log);
  }

  @Override
  public NdArray softmaxBackward(NdArray y, NdArray gy, int dim, boolean log) {
    return Reductions.softmaxBackward(contiguous(y), contiguous(gy), dim, log);
  }

  // ---- linear algebra

  @Override
  public NdArray[] layerNorm(NdArray x, NdArray gamma, NdArray beta, float eps) {
    return Normalization.layerNorm(fused, contiguous(x), gamma == null ? null : contiguous(gamma), beta == null ? null : contiguous(beta), eps);
  }

  @Override
  public NdArray[] layerNormBackward(NdArray gy, NdArray x, NdArray mean, NdArray rstd, NdArray gamma) {
    return Normalization.layerNormBackward(fused, contiguous(gy), contiguous(x), contiguous(mean), contiguous(rstd),
        gamma == null ? null : contiguous(gamma));
  }

  @Override
  public NdArray[] attention(NdArray q, NdArray k, NdArray v, float scale, boolean causal) {
    return Attention.forward(gemm, fused, q, k, v, scale, causal);
  }

  @Override
  public NdArray[] attentionBackward(NdArray gOut, NdArray q, NdArray k, NdArray v, NdArray weights, float scale, boolean causal) {
    return Attention.backward(gemm, gOut, q, k, v, weights, scale, causal);
  }

  @Override
  public NdArray[] selfAttention(NdArray qkv, int heads, float scale, boolean causal) {
    return Attention.forwardPacked(gemm, fused, qkv, heads, scale, causal);
  }

  @Override
  public NdArray selfAttentionBackward(NdArray gOut, NdArray qkv, NdArray weights, int heads, float scale, boolean causal) {
    return Attention.backwardPacked(gemm, gOut, qkv, contiguous(weights), heads, scale, causal);
  }

  @Override
  public NdArray[] crossEntropy(NdArray logits, int[] targets, int ignoreIndex) {
    checkClasses("crossEntropy", logits, targets, ignoreIndex);
    return CrossEntropy.forward(fused, contiguous(logits), targets, ignoreIndex);
  }

  @Override
  public NdArray crossEntropyBackward(NdArray probs, int[] targets, int ignoreIndex, float g) {
    checkClasses("crossEntropyBackward", probs, targets, ignoreIndex);
    return CrossEntropy.backward(contiguous(probs), targets, ignoreIndex, g);
  }

  private static void checkClasses(String op, NdArray x, int[] targets, int ignoreIndex) {
    if (x.rank() != 2 || targets.length != x.shape(0)) {
      throw new IllegalArgumentException(op + ": expected [N, C] scores and N targets, got " + x + " and " + targets.length + " targets");
    }
    for (int i = 0; i < targets.length; i++) {
      int t = targets[i];
      if (t != ignoreIndex && (t < 0 || t >= x.shape(1))) {
        throw new IllegalArgumentException(op + ": target " + t + " at position " + i + " is out of range for " + x.shape(1) + " classes");
      }
    }
  }

  @Override
  public NdArray bmm(NdArray a, NdArray b) {
    int rank = a.rank();
    if (rank < 3 || b.rank() != rank) {
      throw new IllegalArgumentException("bmm: expected operands of equal rank >= 3, got " + a + " and " + b);
    }
    int m = a.shape(rank - 2), k = a.shape(rank - 1), n = b.shape(rank - 1);
    int[] outShape = a.shape();
    outShape[rank - 1] = n;
    // Offsets of each product's operands, read through the batch strides (permuted heads, stride-0 broadcast):
    // no operand is copied into a [batch, rows, cols] layout first.
    int batch = 1;
    for (int d = 0; d < rank - 2; d++) batch *= a.shape(d);
    int[] aOffs = new int[batch], bOffs = new int[batch];
    int[] idx = new int[rank - 2];
    for (int t = 0, pa = a.offset(), pb = b.offset(); t < batch; t++) {
      aOffs[t] = pa;
      bOffs[t] = pb;
      for (int d = rank - 3; d >= 0; d--) {
        idx[d]++;
        pa += a.stride(d);
        pb += b.stride(d);
        if (idx[d] < a.shape(d)) break;
        pa -= a.stride(d) * a.shape(d);
        pb -= b.stride(d) * b.shape(d);
        idx[d] = 0;
      }
    }
    float[] out = new float[batch * m * n];
    int ar = a.stride(rank - 2), ac = a.stride(rank - 1), br = b.stride(rank - 2), bc = b.stride(rank - 1);
    int products = batch, tasks = Math.min(Parallel.threads(), batch);
    if (tasks > 1 && (long) batch * m * n * k >= (1L << 18)) {
      // Many products (attention heads): give each thread whole matrices rather than splitting each one.
      Parallel.forEach(tasks, task -> {
        for (int t = task; t < products; t += tasks) {
          gemm.multiplySingleThread(m, n, k, a.data(), aOffs[t], ar, ac, b.data(), bOffs[t], br, bc, out, t * m * n, n, false);
        }
      });
    } else {
      for (int t = 0; t < batch; t++) {
        gemm.multiply(m, n, k, a.data(), aOffs[t], ar, ac, b.data(), bOffs[t], br, bc, out, t * m * n, n, false);
      }
    }
    return NdArray.wrapOwned(out, outShape);
  }

  @Override
  public NdArray linear(NdArray x, NdArray w, NdArray bias) {
    int rank = x.rank();
    if (rank < 1 || w.rank() != 2 || x.shape(rank - 1) != w.shape(1) || (bias != null && (bias.rank() != 1 || bias.size() != w.shape(0)))) {
      throw new IllegalArgumentException("linear: input " + Shapes.str(x.shape()) + ", weight " + Shapes.str(w.shape())
          + (bias == null ? "" : " and bias " + Shapes.str(bias.shape())) + " do not fit ([..., in], [out, in], [out])");
    }
    int in = w.shape(1), out = w.shape(0), rows = 1;
    int[] outShape = x.shape();
    for (int d = 0; d < rank - 1; d++) rows *= outShape[d];
    outShape[rank - 1] = out;
    if (rank != 2) {
      NdArray flat = x.tryView(new int[] {rows, in});
      x = flat != null ? flat : copy(x).reshapeContiguous(rows, in);
    }
    NdArray c = bias == null ? null : contiguous(bias);
    float[] y = new float[rows * out];
    // B = wᵀ: element (p, j) is w[j, p], so its row stride is w's column stride and vice versa.
    gemm.multiply(rows, out, in, x.data(), x.offset(), x.stride(0), x.stride(1), w.data(), w.offset(), w.stride(1), w.stride(0),
        y, 0, out, false, c == null ? null : c.data(), c == null ? 0 : c.offset());
    return NdArray.wrapOwned(y, outShape);
  }

  // ---- 16-bit storage

  @Override
  public short[] toBf16(NdArray x) {
    NdArray c = contiguous(x);
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

  // ---- optimizer steps

  /** Elements above which one Adam update is split across threads. */
  private static final int ADAM_SPLIT = 1 << 15;

  @Override
  public void adamUpdate(NdArray param, NdArray grad, NdArray expAvg, NdArray expAvgSq, float beta1, float beta2,
                         float stepSize, float bc2Sqrt, float eps, float l2, float decay) {
    for (NdArray x : new NdArray[] {param, grad, expAvg, expAvgSq}) {
      if (!x.isContiguous() || x.size() != param.size()) {
        throw new IllegalArgumentException("adamUpdate: needs contiguous arrays of equal size, got " + x);
      }
    }
    // Memory-bound: large tensors are split in contiguous halves so each core streams its own share.
    int n = param.size(), tasks = n >= ADAM_SPLIT ? Math.min(Parallel.threads(), n / (ADAM_SPLIT / 2)) : 1;
    int per = ((n + tasks - 1) / tasks + 15) / 16 * 16;
    Parallel.forEach(tasks, t -> {
      int from = t * per, len = Math.min(n, from + per) - from;
      if (len > 0) {
        fused.adam(param.data(), param.offset() + from, grad.data(), grad.offset() + from, expAvg.data(), expAvg.offset() + from,
            expAvgSq.data(), expAvgSq.offset() + from, len, beta1, beta2, stepSize, bc2Sqrt, eps, l2, decay);
      }
    });
  }

  // ---- convolution and pooling

  @Override
  public NdArray conv2d(NdArray x, NdArray w, NdArray bias, Conv2dSpec spec) {
    return Convolution.forward(gemm, contiguous(x), contiguous(w), bias == null ? null : contiguous(bias), spec);
  }

  @Override
  public NdArray conv2dBackwardInput(NdArray gOut, NdArray w, int[] xShape, Conv2dSpec spec) {
    return Convolution.backwardInput(gemm, contiguous(gOut), contiguous(w), xShape, spec);
  }

  @Override
  public NdArray conv2dBackwardWeight(NdArray gOut, NdArray x, int[] wShape, Conv2dSpec spec) {
    return Convolution.backwardWeight(gemm, contiguous(gOut), contiguous(x), wShape, spec);
  }

  @Override
  public PoolResult maxPool2d(NdArray x, Pool2dSpec spec) {
    return Pooling.max(contiguous(x), spec);
  }

  @Override
  public NdArray maxPool2dBackward(NdArray gOut, int[] argmax, int[] xShape) {
    return Pooling.maxBackward(contiguous(gOut), argmax, xShape);
  }

  @Override
  public NdArray avgPool2d(NdArray x, Pool2dSpec spec) {
    return Pooling.avg(contiguous(x), spec);
  }

  @Override
  public NdArray avgPool2dBackward(NdArray gOut, int[] xShape, Pool2dSpec spec) {
    return Pooling.avgBackward(contiguous(gOut), xShape, spec);
  }

  // ---- indexing

  @Override
  public NdArray gather(NdArray x, int dim, NdArray index) {
    return Indexing.gather(contiguous(x), dim, contiguous(index));
  }

  @Override
  public NdArray scatterAdd(int[] shape, int dim, NdArray index, NdArray src) {
    return Indexing.scatterAdd(shape, dim, contiguous(index), contiguous(src));
  }

  @Override
  public NdArray indexSelect(NdArray x, int dim, int[] index) {
    return Indexing.indexSelect(contiguous(x), dim, index);
  }

  @Override
  public NdArray indexAdd(int[] shape, int dim, int[] index, NdArray src) {
    return Indexing.indexAdd(shape, dim, index, contiguous(src));
  }
}
