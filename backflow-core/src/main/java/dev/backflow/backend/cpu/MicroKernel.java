package dev.backflow.backend.cpu;

/**
 * The innermost GEMM step: an {@code mr() x nr()} tile of C += (packed A panel) x (packed B panel).
 * Implementations, chosen once at start-up: Vector API ones (8 x 32 for 512-bit vectors, 6 x 2 vectors otherwise) and
 * a plain-Java twin.
 */
interface MicroKernel {
  int mr();

  int nr();

  String name();

  /**
   * Element (i, p) of the A panel is {@code a[aOff + i*aRow + p*aStep]}: a packed panel (aRow 1, aStep
   * mr()) or, when A's own layout already keeps each column or row contiguous, A read in place, which
   * saves the packing pass. bp holds kc rows of nr() columns. Writes the top-left {@code rows x cols} of the tile into C at cOff with row stride ldc, adding to
   * C when {@code accumulate}, overwriting otherwise.
   */
  void compute(int kc, float[] a, int aOff, int aRow, int aStep, float[] bp, int bOff, float[] c, int cOff, int ldc,
               boolean accumulate, int rows, int cols);

  /**
   * Whether tiles read A's rows in place (element (i, p) at {@code a[aOff + i*aRow + p]}) at about the packed speed.
   * Where not, the GEMM packs row-major A in a pass of its own, and calls {@link #compute} with packed panels only.
   */
  default boolean readsRowsInPlace() {
    return true;
  }

  /**
   * A full tile (mr() x nr()) with A read in place by rows (element (i, p) at {@code a[aOff + i*aRow + p]}), which
   * also leaves a packed copy of that A panel at {@code packed[packOff ..]} (column p at packOff + p*mr()), for the
   * tiles of the next column panels to read contiguously. The same products in the same order as {@link #compute},
   * so the same bits. This default packs first; a fast kernel stores each element as it reads it for its product, so
   * the copy costs no pass of its own.
   */
  default void computePacking(int kc, float[] a, int aOff, int aRow, float[] bp, int bOff, float[] c, int cOff, int ldc,
                              boolean accumulate, float[] packed, int packOff) {
    int mr = mr();
    Gemm.packA(mr, kc, mr, a, aOff, aRow, 1, packed, packOff);
    compute(kc, packed, packOff, 1, mr, bp, bOff, c, cOff, ldc, accumulate, mr, nr());
  }

  /**
   * Packs one full panel of B read transposed (column j of B is the contiguous run b[off + j*bCol ..]):
   * row p of the panel at dst[d + p*nr()] holds B[p, 0..nr()). Returns false when this kernel has no fast
   * form, and the caller packs it element by element.
   */
  default boolean packTransposedPanel(int kc, float[] b, int off, int bCol, float[] dst, int d) {
    return false;
  }

  /**
   * C[i, j] += bias[biasOff + j] for a block of rows x cols (a Linear layer's bias, added to a tile right after its
   * product while the tile is in L1). The same single float addition per element in every implementation.
   */
  default void addBias(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff) {
    for (int i = 0; i < rows; i++) {
      int ci = cOff + i * ldc;
      for (int j = 0; j < cols; j++) c[ci + j] += bias[biasOff + j];
    }
  }
}
