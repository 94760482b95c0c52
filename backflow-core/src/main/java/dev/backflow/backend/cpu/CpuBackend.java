package dev.backflow.backend.cpu;

import dev.backflow.backend.AttentionKernels;
import dev.backflow.backend.Backend;
import dev.backflow.backend.ConvolutionKernels;
import dev.backflow.backend.ElementwiseKernels;
import dev.backflow.backend.IndexingKernels;
import dev.backflow.backend.LinalgKernels;
import dev.backflow.backend.LossKernels;
import dev.backflow.backend.NormalizationKernels;
import dev.backflow.backend.OptimizerKernels;
import dev.backflow.backend.PoolingKernels;
import dev.backflow.backend.ReductionKernels;
import dev.backflow.backend.StorageKernels;

/**
 * The pure-Java CPU backend: one implementation per kernel family, composed here and nothing else. The
 * families that multiply matrices share one packed GEMM; the ones with SIMD row kernels share one
 * {@link FusedKernels} (the Vector API one or its plain-Java twin, chosen at start-up by {@link Vectorization}).
 */
public final class CpuBackend implements Backend {
  private final String name;
  private final StorageKernels storage = new Storage();
  private final ElementwiseKernels elementwise;
  private final ReductionKernels reductions = new Reductions();
  private final LossKernels losses;
  private final LinalgKernels linalg;
  private final ConvolutionKernels convolution;
  private final PoolingKernels pooling = new Pooling();
  private final NormalizationKernels normalization;
  private final AttentionKernels attention;
  private final IndexingKernels indexing = new Indexing();
  private final OptimizerKernels optimizer;

  /** The fastest kernels this JVM allows (SIMD when the Vector API module is present). */
  public CpuBackend() {
    this(Vectorization.bestMicroKernel());
  }

  CpuBackend(MicroKernel kernel) {
    Gemm gemm = new Gemm(kernel, Vectorization.largeProductKernel(kernel));
    FusedKernels fused = Vectorization.fusedKernels(kernel);
    this.name = "cpu (" + gemm.kernelName() + "; GEMM " + gemm.blocking() + " for " + CacheSizes.machine() + ")";
    this.elementwise = new Elementwise(fused);
    this.losses = new CrossEntropy(fused);
    this.linalg = new Linalg(gemm);
    this.convolution = new Convolution(gemm);
    this.normalization = new Normalization(fused);
    this.attention = new Attention(gemm, fused);
    this.optimizer = new OptimizerUpdates(fused);
  }

  /**
   * A backend on the plain-Java kernels, whatever the JVM offers: the twin the SIMD path is tested against (like
   * running with {@code -Dbackflow.simd=false}). Use it with {@code Backends.use} or {@code Backends.scoped}.
   *
   * @return a new backend that never uses the Vector API
   */
  public static CpuBackend scalar() {
    return new CpuBackend(new ScalarMicroKernel());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void recycle(float[] data) {
    BufferPool.give(data);
  }

  @Override
  public int recycleMinLength() {
    return BufferPool.MIN_LENGTH;
  }

  @Override
  public StorageKernels storage() {
    return storage;
  }

  @Override
  public ElementwiseKernels elementwise() {
    return elementwise;
  }

  @Override
  public ReductionKernels reductions() {
    return reductions;
  }

  @Override
  public LossKernels losses() {
    return losses;
  }

  @Override
  public LinalgKernels linalg() {
    return linalg;
  }

  @Override
  public ConvolutionKernels convolution() {
    return convolution;
  }

  @Override
  public PoolingKernels pooling() {
    return pooling;
  }

  @Override
  public NormalizationKernels normalization() {
    return normalization;
  }

  @Override
  public AttentionKernels attention() {
    return attention;
  }

  @Override
  public IndexingKernels indexing() {
    return indexing;
  }

  @Override
  public OptimizerKernels optimizer() {
    return optimizer;
  }
}
