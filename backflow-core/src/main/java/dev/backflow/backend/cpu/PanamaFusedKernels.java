package dev.backflow.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API versions of the fused kernels: the same arithmetic, one vector of lanes at a time. */
final class PanamaFusedKernels implements FusedKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  @Override
  public void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                   float beta1, float beta2, float stepSize, float bc2Sqrt, float eps, float l2, float decay) {
    float c1 = 1 - beta1, c2 = 1 - beta2;
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector pi = FloatVector.fromArray(S, p, po + i);
      FloatVector gi = FloatVector.fromArray(S, g, go + i).add(pi.mul(l2));
      FloatVector mi = FloatVector.fromArray(S, m, mo + i).mul(beta1).add(gi.mul(c1));
      FloatVector vi = FloatVector.fromArray(S, v, vo + i).mul(beta2).add(gi.mul(gi).mul(c2));
      mi.intoArray(m, mo + i);
      vi.intoArray(v, vo + i);
      FloatVector denom = vi.sqrt().div(bc2Sqrt).add(eps);
      pi.mul(decay).sub(mi.div(denom).mul(stepSize)).intoArray(p, po + i);
    }
    FusedKernels.adamScalar(p, po, g, go, m, mo, v, vo, i, n, beta1, beta2, stepSize, bc2Sqrt, eps, l2, decay);
  }
}
