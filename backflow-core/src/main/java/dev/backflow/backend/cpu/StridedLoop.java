package dev.backflow.backend.cpu;

/**
 * Walks up to three same-shaped strided views row by row: the innermost dimension is handed to a row
 * function with its three strides, so per-element work has no index arithmetic or virtual dispatch
 * beyond one call per row.
 */
final class StridedLoop {
  private StridedLoop() {}

  interface Row {
    void apply(int pa, int sa, int pb, int sb, int pc, int sc, int n);
  }

  static void run(int[] shape, int offA, int[] stA, int offB, int[] stB, int offC, int[] stC, Row row) {
    int rank = shape.length;
    if (rank == 0) {
      row.apply(offA, 0, offB, 0, offC, 0, 1);
      return;
    }
    for (int s : shape) if (s == 0) return;
    int inner = shape[rank - 1];
    int sa = stA == null ? 0 : stA[rank - 1];
    int sb = stB == null ? 0 : stB[rank - 1];
    int sc = stC == null ? 0 : stC[rank - 1];
    int outer = 1;
    for (int d = 0; d < rank - 1; d++) outer *= shape[d];
    int[] idx = new int[rank];
    int pa = offA, pb = offB, pc = offC;
    for (int o = 0; o < outer; o++) {
      row.apply(pa, sa, pb, sb, pc, sc, inner);
      for (int d = rank - 2; d >= 0; d--) {
        idx[d]++;
        if (stA != null) pa += stA[d];
        if (stB != null) pb += stB[d];
        if (stC != null) pc += stC[d];
        if (idx[d] < shape[d]) break;
        if (stA != null) pa -= stA[d] * shape[d];
        if (stB != null) pb -= stB[d] * shape[d];
        if (stC != null) pc -= stC[d] * shape[d];
        idx[d] = 0;
      }
    }
  }
}
