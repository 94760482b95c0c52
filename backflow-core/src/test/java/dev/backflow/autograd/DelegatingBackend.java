package dev.backflow.autograd;

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

/** Every kernel family of {@code inner}; recycling is Backend's default (none) unless a subclass says otherwise. */
abstract class DelegatingBackend implements Backend {
  final Backend inner;

  DelegatingBackend(Backend inner) {
    this.inner = inner;
  }

  @Override public String name() { return inner.name() + " (delegated)"; }
  @Override public StorageKernels storage() { return inner.storage(); }
  @Override public ElementwiseKernels elementwise() { return inner.elementwise(); }
  @Override public ReductionKernels reductions() { return inner.reductions(); }
  @Override public LossKernels losses() { return inner.losses(); }
  @Override public LinalgKernels linalg() { return inner.linalg(); }
  @Override public ConvolutionKernels convolution() { return inner.convolution(); }
  @Override public PoolingKernels pooling() { return inner.pooling(); }
  @Override public NormalizationKernels normalization() { return inner.normalization(); }
  @Override public AttentionKernels attention() { return inner.attention(); }
  @Override public IndexingKernels indexing() { return inner.indexing(); }
  @Override public OptimizerKernels optimizer() { return inner.optimizer(); }
}
