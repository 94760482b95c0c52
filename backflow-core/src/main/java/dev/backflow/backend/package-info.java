/**
 * The kernel boundary: {@link dev.backflow.backend.Backend} is eleven kernel families
 * ({@link dev.backflow.backend.StorageKernels} ... {@link dev.backflow.backend.OptimizerKernels}) over
 * {@link dev.backflow.backend.NdArray}, a strided view of float32 or int64 storage. Kernels compute values and
 * know nothing of gradients; ops check arguments in the user's terms before calling them.
 *
 * <p>{@link dev.backflow.backend.Backends} picks the backend per thread (the process default is the CPU one in
 * {@code dev.backflow.backend.cpu}); {@link dev.backflow.backend.RecordingBackend} records a step's kernel calls
 * so that a captured training step replays them, as CUDA graphs do for PyTorch. Kernels whose result Java reads
 * to decide what to do next carry {@link dev.backflow.backend.ReadByJava}, and the recorder refuses them.
 */
package dev.backflow.backend;
