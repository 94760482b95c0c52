package dev.backflow.backend.cpu;

/**
 * Blocked single-precision matrix product C (+)= A x B in the BLIS arrangement: B is packed into
 * KC x NC slabs of NR-wide panels (L3/L2), A into MC x KC slabs of MR-high panels (L2/L1), and the
 * micro-kernel sweeps tiles. A and B are read through arbitrary row and column strides, so transposed
 * operands (x @ W^T, and both backward products) are packed straight from their storage with no copy.
 */
final class Gemm {
  /**
   * Depth of one K slice. It fixes where partial sums meet C (each element is summed over K in slices of
   * KC), so it is a constant, not a cache-derived size: the same product gives the same bits on every
   * machine (a Spark executor and the driver, an AVX2 and an AVX-512 machine). At 256, one micro-panel of
   * B is 32 KiB with AVX-512 (16 KiB with AVX2); 128 and 192 measured 7-11% slower on Zen 5 (48 KiB L1d).
   */
  static final int KC = 256;

  private final MicroKernel kernel;
  /**
   * The kernel for large products (the 8-row tile where vectors are 512 bits wide, else {@link #kernel}): it wants A
   * packed in a pass of its own, which pays only where every packed panel serves many column panels (1024³: +11% on a
   * slowed vCPU, −3% quiet); it cost up to a third of the GPT's small attention products and ~3% of the MLP's
   * 256 x 256 x 784 forward product. Same panel width.
   */
  private final MicroKernel large;
  /** Rows of A per block (the block stays in L2), for each kernel, and columns of B per slab: sized from the caches. */
  private final int mc, largeMc, nc;
  // Packing buffers, reused per thread (a training step makes thousands of products): B's panels for this thread's own
  // products, A's panels, and B's panels that a row split shares with the team.
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0], new float[0]});
  private static final int B_PACK = 0, A_PACK = 1, SHARED_B_PACK = 2;

  Gemm(MicroKernel kernel) {
    this(kernel, kernel);
  }

  Gemm(MicroKernel kernel, MicroKernel large) {
    this(kernel, large, CacheSizes.machine());
  }

  Gemm(MicroKernel kernel, MicroKernel large, CacheSizes caches) {
    if (large.nr() != kernel.nr()) throw new IllegalArgumentException("the two kernels' panels differ in width");
    this.kernel = kernel;
    this.large = large;
    this.mc = blockRows(kernel.mr(), caches);
    this.largeMc = blockRows(large.mr(), caches);
    this.nc = 2048;
  }

  // An MC x KC block of A in half of L2 (the other half for B's panels and C's tiles), at least two
  // micro-panels and at most 1024 rows; B's KC x NC slab, read once per block, lives in the outer caches.
  private static int blockRows(int mr, CacheSizes caches) {
    long rows = caches.l2 / 2 / (4L * KC);
    return (int) Math.max(2L * mr, Math.min(1024, rows / mr * mr));
  }

  /** Products at least this large in each of m, n and k go to {@link #large}. */
  private static final int LARGE = 512;

  private MicroKernel kernelFor(int m, int n, int k) {
    return m >= LARGE && n >= LARGE && k >= LARGE ? large : kernel;
  }

  /** The block sizes in use, for the bench's machine line. */
  String blocking() {
    return "KC " + KC + ", MC " + (large == kernel ? "" + mc : mc + "/" + largeMc) + ", NC " + nc;
  }

  /** Panel width of the micro-kernel (columns of C per tile). */
  int nr() {
    return kernel.nr();
  }

  String kernelName() {
    return large == kernel ? kernel.name() : kernel.name() + ", " + large.name() + " for products of " + LARGE + "+ each way";
  }

  /**
   * C[m x n] at cOff (row stride ldc) = (accumulate ? C : 0) + A[m x k] B[k x n], where element (i, p)
   * of A is a[aOff + i*aRow + p*aCol] and element (p, j) of B is b[bOff + p*bRow + j*bCol].
   */
  void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol,
                float[] b, int bOff, int bRow, int bCol, float[] c, int cOff, int ldc, boolean accumulate) {
    multiply(m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, ldc, accumulate, null, 0);
  }

  /**
   * As above, then C[i, j] += bias[biasOff + j] for every row (a Linear layer's bias, added to each tile
   * right after its last product while it is in L1, not in a separate pass over C); bias may be null.
   */
  void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol,
                float[] b, int bOff, int bRow, int bCol, float[] c, int cOff, int ldc, boolean accumulate,
                float[] bias, int biasOff) {
    if ((long) m * n * k <= SMALL_WORK) {
      small(m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, ldc, accumulate);
      if (bias != null) kernel.addBias(c, cOff, ldc, m, n, bias, biasOff);
      return;
    }
    MicroKernel kernel = kernelFor(m, n, k);
    int nr = kernel.nr(), mr = kernel.mr(), threads = Parallel.threads();
    int colPanels = (n + nr - 1) / nr, rowPanels = (m + mr - 1) / mr;
    // Split by rows when column panels do not divide evenly (65 logits: 3 panels, 2 of them on one core), or
    // when A is so much taller than B is wide that streaming A once per column chunk would cost more than
    // packing B once per thread (GPT's [2048, 384] x [384, 128]).
    boolean tall = (long) m * (2L * threads - 1) > 10L * n;
    if (threads > 1 && (colPanels % threads != 0 || tall) && rowPanels >= 4 * threads && (long) m * n * k >= PARALLEL_WORK) {
      // B is packed once per slab into the caller's buffer, by both threads, and read by every share; each
      // element of C is still summed in one order, by one thread, so the bits do not depend on the split.
      // Several shares per thread, claimed as threads finish, so a slower core (a VM's busy vCPU) takes
      // fewer instead of holding the product up. (Each share packing B itself cost a gather per element of B
      // per share: a fifth of the GPT's [2048, 128] x [128, 384] forward product.)
      int shares = Math.max(threads, Math.min(4 * threads, rowPanels / 4));
      int per = (rowPanels + shares - 1) / shares * mr;
      byRowShares(kernel, m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, ldc, accumulate, bias, biasOff, per);
      return;
    }
    int tasks = Math.min(threads, colPanels);
    if (tasks > 1 && (long) m * n * k >= PARALLEL_WORK) {
      // Split C by columns (multiples of NR): each share packs its own B panel and writes its own columns,
      // with the same summation order as one thread, so results are identical for any thread count.
      // With A's columns read in place, two chunks per thread cost only a second pass over A and let a thread that
      // finishes early take the other's second chunk. Rows of A are copied once per chunk as they are read (sweep), so
      // there it is one chunk per thread: on a VM whose vCPUs take turns running 1.45x slower, 1024^3 in two chunks
      // beat four both in slowed spells (+9%) and in quiet ones (+3%); claiming a second chunk only pays against a
      // core more than ~1.5x slower than the other.
      int chunks = aRow == 1 && aCol != 1 ? Math.min(colPanels, 2 * tasks) : tasks;
      int share = (colPanels + chunks - 1) / chunks * nr;
      chunks = (n + share - 1) / share;
      Parallel.forEachDynamic(chunks, t -> {
        int j0 = t * share, j1 = Math.min(n, j0 + share);
        if (j0 < j1) {
          multiplyRange(kernel, m, j1 - j0, k, a, aOff, aRow, aCol, b, bOff + j0 * bCol, bRow, bCol, c, cOff + j0, ldc,
              accumulate, bias, biasOff + j0);
        }
      });
      return;
    }
    multiplyRange(kernel, m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, ldc, accumulate, bias, biasOff);
  }

  /** Work below which packing costs more than it saves: tiny products (XOR, a single neuron) go direct. */
  private static final long SMALL_WORK = 4096;

  /** The plain triple loop, for products too small to pack. */
  private static void small(int m, int n, int k, float[] a, int aOff, int aRow, int aCol,
                            float[] b, int bOff, int bRow, int bCol, float[] c, int cOff, int ldc, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float sum = 0f;
        int pa = aOff + i * aRow, pb = bOff + j * bCol;
        for (int p = 0; p < k; p++) sum += a[pa + p * aCol] * b[pb + p * bRow];
        int at = cOff + i * ldc + j;
        c[at] = accumulate ? c[at] + sum : sum;
      }
    }
  }

  /** Work (multiply-adds) below which splitting across threads costs more than it saves. */
  private static final long PARALLEL_WORK = 1L << 18;

  /** The product on the calling thread only (callers that already split work across threads). */
  void multiplySingleThread(int m, int n, int k, float[] a, int aOff, int aRow, int aCol,
                            float[] b, int bOff, int bRow, int bCol, float[] c, int cOff, int ldc, boolean accumulate) {
    if ((long) m * n * k <= SMALL_WORK) small(m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, ldc, accumulate);
    else multiplyRange(kernelFor(m, n, k), m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, ldc, accumulate, null, 0);
  }

  private void multiplyRange(MicroKernel kernel, int m, int n, int k, float[] a, int aOff, int aRow, int aCol,
                             float[] b, int bOff, int bRow, int bCol, float[] c, int cOff, int ldc, boolean accumulate,
                             float[] bias, int biasOff) {
    if (m == 0 || n == 0) return;
    if (k == 0) {
      if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
      if (bias != null) kernel.addBias(c, cOff, ldc, m, n, bias, biasOff);
      return;
    }
    int mr = kernel.mr(), nr = kernel.nr();
    int kcMax = Math.min(KC, k);
    int ncMax = Math.min(nc, roundUp(n, nr));
    int mcMax = Math.min(mc(kernel), roundUp(m, mr));
    float[] bPack = scratch(B_PACK, kcMax * ncMax), aPack = scratch(A_PACK, mcMax * kcMax);
    for (int jc = 0; jc < n; jc += this.nc) {
      int nc = Math.min(this.nc, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        packB(kc, 0, nc, nc, b, bOff + pc * bRow + jc * bCol, bRow, bCol, bPack);
        sweep(kernel, m, nc, kc, a, aOff + pc * aCol, aRow, aCol, bPack, c, cOff + jc, ldc, accumulate || pc > 0,
            pc + kc >= k ? bias : null, biasOff + jc, aPack);
      }
    }
  }

  /**
   * The row split of a product: for each slab of B (KC x NC), both threads pack its panels into the calling
   * thread's buffer, then the shares of {@code per} rows run their tiles against it.
   */
  private void byRowShares(MicroKernel kernel, int m, int n, int k, float[] a, int aOff, int aRow, int aCol,
                           float[] b, int bOff, int bRow, int bCol, float[] c, int cOff, int ldc, boolean accumulate,
                           float[] bias, int biasOff, int per) {
    int mr = kernel.mr(), nr = kernel.nr();
    int kcMax = Math.min(KC, k), ncMax = Math.min(nc, roundUp(n, nr));
    float[] bPack = scratch(SHARED_B_PACK, kcMax * ncMax);
    int shares = (m + per - 1) / per;
    for (int jc = 0; jc < n; jc += nc) {
      int ncs = Math.min(nc, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc), panels = (ncs + nr - 1) / nr, jcAt = jc, pcAt = pc;
        // Panels in chunks of four: each chunk writes its own part of the buffer.
        Parallel.forEachDynamic((panels + 3) / 4, t -> {
          int j0 = t * 4 * nr, j1 = Math.min(ncs, j0 + 4 * nr);
          packB(kc, j0, j1, ncs, b, bOff + pcAt * bRow + jcAt * bCol, bRow, bCol, bPack);
        });
        boolean acc = accumulate || pc > 0;
        float[] slabBias = pc + kc >= k ? bias : null;
        Parallel.forEachDynamic(shares, t -> {
          int i0 = t * per, i1 = Math.min(m, i0 + per);
          if (i0 >= i1) return;
          float[] aPack = scratch(A_PACK, Math.min(mc(kernel), roundUp(i1 - i0, mr)) * kcMax);
          sweep(kernel, i1 - i0, ncs, kc, a, aOff + i0 * aRow + pcAt * aCol, aRow, aCol, bPack, c, cOff + i0 * ldc + jcAt, ldc, acc,
              slabBias, biasOff + jcAt, aPack);
        });
      }
    }
  }

  /**
   * C[m x nc] (+)= A[m x kc] times a packed slab of B, block of MC rows by block: A read in place where its rows or
   * columns are contiguous, else packed into aPack; bias (or null) added to each tile after its product.
   */
  private void sweep(MicroKernel kernel, int m, int nc, int kc, float[] a, int aOff, int aRow, int aCol, float[] bPack, float[] c, int cOff,
                     int ldc, boolean acc, float[] bias, int biasOff, float[] aPack) {
    int mr = kernel.mr(), nr = kernel.nr();
    // When each row (or each column) of A is contiguous, the micro-kernel reads A in place: packing A
    // would cost a pass over m*k elements for every product, a large share of the mid-sized products
    // a training step makes (m = batch size). Rows only where the kernel reads them well (not the 8-row tile).
    boolean rowsInPlace = aCol == 1 && kernel.readsRowsInPlace();
    boolean direct = rowsInPlace || aRow == 1;
    // Rows of A in place are six strided streams per tile, re-read for every column panel; where there is more than
    // one panel, the first one's tiles copy their A panel as they read it (no pass of its own) and the rest read the copy.
    boolean packAsRead = rowsInPlace && nc > nr;
    int mcBlock = mc(kernel);
    for (int ic = 0; ic < m; ic += mcBlock) {
      int mc = Math.min(mcBlock, m - ic);
      int full = direct ? mc / mr * mr : 0;
      // Panel ir of the block sits at aPack[ir * kc]; a short last panel (or all, for A with neither layout) is packed
      // here, zero-padded.
      if (full < mc) packA(mc - full, kc, mr, a, aOff + (ic + full) * aRow, aRow, aCol, aPack, full * kc);
      for (int jr = 0; jr < nc; jr += nr) {
        int cols = Math.min(nr, nc - jr);
        for (int ir = 0; ir < mc; ir += mr) {
          int rows = Math.min(mr, mc - ir);
          int cAt = cOff + (ic + ir) * ldc + jr;
          if (ir >= full || (packAsRead && jr > 0)) {
            kernel.compute(kc, aPack, ir * kc, 1, mr, bPack, jr * kc, c, cAt, ldc, acc, rows, cols);
          } else if (packAsRead) {
            kernel.computePacking(kc, a, aOff + (ic + ir) * aRow, aRow, bPack, 0, c, cAt, ldc, acc, aPack, ir * kc);
          } else {
            kernel.compute(kc, a, aOff + (ic + ir) * aRow, aRow, aCol, bPack, jr * kc, c, cAt, ldc, acc, rows, cols);
          }
          if (bias != null) kernel.addBias(c, cAt, ldc, rows, cols, bias, biasOff + jr);
        }
      }
    }
  }

  /** Panels of mr rows; within a panel, column p holds A[i0..i0+mr, p]; short panels are zero-filled. */
  static void packA(int mc, int kc, int mr, float[] a, int off, int aRow, int aCol, float[] dst, int dstOff) {
    for (int i0 = 0, d = dstOff; i0 < mc; i0 += mr, d += mr * kc) {
      int rows = Math.min(mr, mc - i0);
      if (aCol == 1) {
        // Row-major A: read each row sequentially, scatter into the panel with stride mr.
        for (int i = 0; i < rows; i++) {
          int src = off + (i0 + i) * aRow;
          for (int p = 0; p < kc; p++) dst[d + p * mr + i] = a[src + p];
        }
        if (rows < mr) for (int p = 0; p < kc; p++) for (int i = rows; i < mr; i++) dst[d + p * mr + i] = 0f;
      } else {
        for (int p = 0; p < kc; p++) {
          int src = off + i0 * aRow + p * aCol, q = d + p * mr;
          int i = 0;
          for (; i < rows; i++) dst[q + i] = a[src + i * aRow];
          for (; i < mr; i++) dst[q + i] = 0f;
        }
      }
    }
  }

  /**
   * Panels of nr columns, for columns [from, to) of a slab nc wide (from a multiple of nr); within a panel, row p holds
   * B[p, j0..j0+nr]; short panels are zero-filled.
   */
  private void packB(int kc, int from, int to, int nc, float[] b, int off, int bRow, int bCol, float[] dst) {
    int nr = kernel.nr();
    for (int j0 = from, d = from * kc; j0 < to; j0 += nr, d += nr * kc) {
      int cols = Math.min(nr, nc - j0);
      if (bCol == 1) {
        for (int p = 0; p < kc; p++) {
          int src = off + p * bRow + j0, q = d + p * nr;
          System.arraycopy(b, src, dst, q, cols);
          for (int j = cols; j < nr; j++) dst[q + j] = 0f;
        }
      } else if (bRow == 1) {
        // B is a transposed view (x @ W^T): each column of B is a contiguous row of W. Transposed in
        // blocks of 16 rows, so the block being written (16 x nr) stays in L1 while each row is read in order.
        if (cols == nr && kernel.packTransposedPanel(kc, b, off + j0 * bCol, bCol, dst, d)) continue;
        for (int p0 = 0; p0 < kc; p0 += 16) {
          int p1 = Math.min(kc, p0 + 16);
          for (int j = 0; j < cols; j++) {
            int src = off + (j0 + j) * bCol;
            for (int p = p0; p < p1; p++) dst[d + p * nr + j] = b[src + p];
          }
        }
        if (cols < nr) for (int p = 0; p < kc; p++) for (int j = cols; j < nr; j++) dst[d + p * nr + j] = 0f;
      } else {
        for (int p = 0; p < kc; p++) {
          int src = off + p * bRow + j0 * bCol, q = d + p * nr;
          int j = 0;
          for (; j < cols; j++) dst[q + j] = b[src + j * bCol];
          for (; j < nr; j++) dst[q + j] = 0f;
        }
      }
    }
  }

  private int mc(MicroKernel k) {
    return k == kernel ? mc : largeMc;
  }

  /** This thread's packing buffer {@code slot}, at least {@code length} long. */
  private static float[] scratch(int slot, int length) {
    float[][] buffers = SCRATCH.get();
    if (buffers[slot].length < length) buffers[slot] = new float[length];
    return buffers[slot];
  }

  private static int roundUp(int x, int m) {
    return (x + m - 1) / m * m;
  }
}
