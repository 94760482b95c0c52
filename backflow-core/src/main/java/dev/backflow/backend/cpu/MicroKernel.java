package dev.backflow.backend.cpu;

/**
 * The innermost GEMM step: an {@code mr() x nr()} tile of C += (packed A panel) x (packed B panel).
 * Two implementations exist, chosen once at start-up: a Vector API one and a plain-Java twin.
 */
interface MicroKernel {
  int mr();

  int nr();

  String name();

  /**
   * ap holds kc columns of mr() rows (column-major within the panel); bp holds kc rows of nr() columns.
   * Writes the top-left {@code rows x cols} of the tile into C at cOff with row stride ldc, adding to
   * C when {@code accumulate}, overwriting otherwise.
   */
  void compute(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
               boolean accumulate, int rows, int cols);
}
