package dev.backflow.cli;

import java.util.List;

/**
 * The garbage collector a training JVM gets on a small machine, when its command line names none.
 *
 * <p>A training step allocates its activations and gradients fresh and drops them all by the next step. On two cores
 * the JVM picks G1 for that. Measured on a 2-vCPU AMD EPYC (Zen 5), one worker per run, interleaved three times, the
 * serial collector with a young generation of 512 MiB ran the same workers faster: the CNN step 1.6×, the MLP 1.1×,
 * eager XOR 1.15×, the GPT level, the GEMM level, with a third to two thirds of the peak RSS (README, "Collector"). G1's
 * write barriers run on every reference an op stores, and its large arrays live in humongous regions; a serial young
 * collection of a step's few survivors takes a few milliseconds. A young generation of 896 MiB or more halved the GEMM
 * row on that VM (87-106 GFLOPS against 218-236), for about its first gigabyte of allocation; huge pages took that
 * away, and why is not known, so the cap stays at 512 MiB. On more cores G1's parallel and concurrent work pays for
 * itself, so larger machines keep the JVM's own choice.
 */
final class CollectorOptions {
  /** Machines with at most this many processors get the serial collector. */
  static final int MAX_PROCESSORS = 2;
  private static final long YOUNG_CAP = 512L << 20;

  private CollectorOptions() {}

  /**
   * The options to add to a JVM started on this machine with {@code jvmOptions}: none when they choose a collector or
   * size the young generation themselves, or the machine has more than {@link #MAX_PROCESSORS} processors.
   *
   * @param jvmOptions the options the new JVM is started with already
   * @param processors the machine's processors
   * @param maxHeapBytes the new JVM's maximum heap (this one's, when it is started with the same options)
   * @return the options to add, possibly none
   */
  static List<String> forTraining(List<String> jvmOptions, int processors, long maxHeapBytes) {
    if (processors > MAX_PROCESSORS) return List.of();
    for (String o : jvmOptions) {
      if (o.matches("-XX:[+-]Use\\w*GC") || o.startsWith("-Xmn") || o.startsWith("-XX:NewSize")
          || o.startsWith("-XX:MaxNewSize") || o.startsWith("-XX:NewRatio")) {
        return List.of();
      }
    }
    // A quarter of the heap at most, so a small -Xmx still leaves the old generation room.
    long young = Math.min(YOUNG_CAP, maxHeapBytes / 4) >> 20;
    return young < 16 ? List.of("-XX:+UseSerialGC") : List.of("-XX:+UseSerialGC", "-Xmn" + young + "m");
  }

  /**
   * {@link #forTraining(List, int, long)} for a JVM started from this one with {@code jvmOptions}.
   *
   * @param jvmOptions the options the new JVM is started with already
   * @return the options to add, possibly none
   */
  static List<String> forTraining(List<String> jvmOptions) {
    return forTraining(jvmOptions, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory());
  }
}
