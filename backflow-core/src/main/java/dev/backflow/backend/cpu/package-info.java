/**
 * The pure-Java CPU backend: {@link dev.backflow.backend.cpu.CpuBackend} composes one implementation per kernel
 * family, and the families that multiply matrices share one packed, cache-blocked GEMM.
 *
 * <p>SIMD kernels use the incubating Vector API when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}; otherwise (or with {@code -Dbackflow.simd=false}) the same code
 * runs on plain-Java twins, chosen once at start-up, and {@link dev.backflow.backend.cpu.CpuBackend#scalar()}
 * asks for the twins explicitly. Kernels spread work over {@link dev.backflow.backend.cpu.Parallel#threads()}
 * threads, like {@code torch.set_num_threads}.
 */
package dev.backflow.backend.cpu;
