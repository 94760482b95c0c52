package dev.backflow.backend.cpu;

/** Plain-Java micro-kernel: the fallback where the Vector API module is absent, and its test oracle. */
final class ScalarMicroKernel implements MicroKernel {
  static final int MR = 4, NR = 8;

  @Override public int mr() { return MR; }
  @Override public int nr() { return NR; }
  @Override public String name() { return "scalar " + MR + "x" + NR; }

  @Override
  public void compute(int kc, float[] ap, int aOff, int aRow, int aStep, float[] bp, int bOff, float[] c, int cOff, int ldc,
                      boolean accumulate, int rows, int cols) {
    float[] acc = new float[MR * NR];
    for (int p = 0; p < kc; p++) {
      int a = aOff + p * aStep, b = bOff + p * NR;
      for (int i = 0; i < MR; i++) {
        float av = ap[a + i * aRow];
        int row = i * NR;
        for (int j = 0; j < NR; j++) acc[row + j] += av * bp[b + j];
      }
    }
    for (int i = 0; i < rows; i++) {
      int ci = cOff + i * ldc;
      for (int j = 0; j < cols; j++) {
        c[ci + j] = accumulate ? c[ci + j] + acc[i * NR + j] : acc[i * NR + j];
      }
    }
  }
}
