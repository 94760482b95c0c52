package dev.backflow.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Transparent huge pages for a training JVM's heap, where the kernel offers them on request and the command line says
 * nothing about large pages.
 *
 * <p>A training step streams through megabytes of fresh activations and gradients, so with 4 KiB pages most of its
 * loads miss the TLB; on a virtual machine each miss walks two page tables (the guest's and the host's). Measured on a
 * 2-vCPU AMD EPYC (Zen 5) VM, one worker per JVM, interleaved rounds (README, "Huge pages"): the GPT row on JDK 17 ran
 * 19.2-23.9k tokens/s with huge pages against 16.2-20.2k without (medians 21.8k and 16.6k), on JDK 25 +3%; eager XOR
 * stopped falling into its slow JVMs (577-611k steps/s against 437-560k); the GEMM moved by -2% (within its spread),
 * the CNN and MLP rows by +2% and 0. Where the kernel's mode is {@code always} the heap gets huge pages already, and
 * where it is {@code never} the JVM could not use them, so only {@code madvise} asks for them.
 */
final class HugePageOptions {
  static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

  private HugePageOptions() {}

  /**
   * The options to add to a JVM started with {@code jvmOptions} on a kernel whose transparent-huge-page setting reads
   * {@code thpSetting} (the sysfs line, such as {@code "always [madvise] never"}; null where there is none).
   *
   * @param jvmOptions the options the new JVM is started with already
   * @param thpSetting the kernel's transparent-huge-page setting, or null
   * @return {@code -XX:+UseTransparentHugePages}, or nothing
   */
  static List<String> forTraining(List<String> jvmOptions, String thpSetting) {
    if (thpSetting == null || !thpSetting.contains("[madvise]")) return List.of();
    for (String o : jvmOptions) {
      if (o.matches("-XX:[+-]Use(TransparentHuge|Large)Pages\\w*")) return List.of();
    }
    return List.of("-XX:+UseTransparentHugePages");
  }

  /**
   * {@link #forTraining(List, String)} for a JVM started on this machine.
   *
   * @param jvmOptions the options the new JVM is started with already
   * @return the options to add, possibly none
   */
  static List<String> forTraining(List<String> jvmOptions) {
    return forTraining(jvmOptions, thpSetting());
  }

  private static String thpSetting() {
    try {
      return Files.readString(THP_MODE, StandardCharsets.US_ASCII).trim();
    } catch (IOException | SecurityException e) {
      return null; // not Linux, or no sysfs: the JVM's defaults
    }
  }
}
