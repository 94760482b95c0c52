package dev.backflow.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The data cache sizes of the machine, for sizing GEMM blocks: what Linux reports under
 * /sys/devices/system/cpu/cpu0/cache, else what glibc's getconf reads from CPUID (some VMs hide the
 * sysfs tree), else the smallest caches seen on x86 machines of this project (32 KiB L1d, 512 KiB L2).
 * {@code -Dbackflow.cache.l1d=BYTES} and {@code -Dbackflow.cache.l2=BYTES} override either.
 */
final class CacheSizes {
  static final long FALLBACK_L1D = 32 << 10, FALLBACK_L2 = 512 << 10;

  final long l1d;
  final long l2;
  final String source;

  private CacheSizes(long l1d, long l2, String source) {
    this.l1d = l1d;
    this.l2 = l2;
    this.source = source;
  }

  private static volatile CacheSizes machine;

  /** This machine's caches, read once. */
  static CacheSizes machine() {
    CacheSizes c = machine;
    if (c == null) machine = c = read();
    return c;
  }

  private static CacheSizes read() {
    long l1d = 0, l2 = 0;
    String source = "fallback";
    Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
    for (int i = 0; i < 8 && Files.isDirectory(dir); i++) {
      Path index = dir.resolve("index" + i);
      if (!Files.isDirectory(index)) break;
      String level = text(index.resolve("level")), type = text(index.resolve("type"));
      long size = parseSize(text(index.resolve("size")));
      if ("1".equals(level) && "Data".equals(type)) l1d = size;
      if ("2".equals(level) && !"Instruction".equals(type)) l2 = size;
    }
    if (l1d > 0 && l2 > 0) source = "sysfs";
    else {
      long[] g = getconf();
      if (g[0] > 0 && g[1] > 0) {
        l1d = g[0];
        l2 = g[1];
        source = "getconf";
      }
    }
    if (l1d <= 0) l1d = FALLBACK_L1D;
    if (l2 <= 0) l2 = FALLBACK_L2;
    Long l1Override = Long.getLong("backflow.cache.l1d"), l2Override = Long.getLong("backflow.cache.l2");
    if (l1Override != null || l2Override != null) source = "-Dbackflow.cache";
    return new CacheSizes(l1Override != null ? l1Override : l1d, l2Override != null ? l2Override : l2, source);
  }

  private static long[] getconf() {
    long[] out = new long[2];
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return out;
    try {
      Process p = new ProcessBuilder("getconf", "-a").redirectErrorStream(true).start();
      byte[] text = p.getInputStream().readAllBytes();
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return out;
      }
      for (String line : new String(text, java.nio.charset.StandardCharsets.US_ASCII).split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 2) continue;
        if (f[0].equals("LEVEL1_DCACHE_SIZE")) out[0] = parseSize(f[1]);
        if (f[0].equals("LEVEL2_CACHE_SIZE")) out[1] = parseSize(f[1]);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
    }
    return out;
  }

  private static String text(Path p) {
    try {
      return Files.readString(p).trim();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** "48K", "1024K", "2M" or plain bytes; 0 when unreadable. */
  static long parseSize(String s) {
    if (s == null || s.isEmpty()) return 0;
    long unit = 1;
    char last = Character.toUpperCase(s.charAt(s.length() - 1));
    if (last == 'K') unit = 1 << 10;
    else if (last == 'M') unit = 1 << 20;
    String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
    try {
      return Long.parseLong(digits.trim()) * unit;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public String toString() {
    return "L1d " + (l1d >> 10) + " KiB, L2 " + (l2 >> 10) + " KiB (" + source + ")";
  }
}
