package dev.backflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Good IDX files read back exactly; corrupt, truncated or lying ones fail with the file named, never with an OOM. */
class IdxReaderTest {
  @TempDir Path dir;

  static byte[] idx(int type, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.putInt((type << 8) | dims.length);
    for (int d : dims) b.putInt(d);
    b.put(data);
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  private Path file(String name, byte[] bytes) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  private String error(String name, byte[] bytes) throws IOException {
    Path f = file(name, bytes);
    String m = assertThrows(IOException.class, () -> IdxReader.read(f)).getMessage();
    assertTrue(m.startsWith(f.toString() + ": "), m);
    return m;
  }

  @Test
  void readsPlainAndGzippedFilesInTheDeclaredShape() throws IOException {
    byte[] raw = idx(8, new int[] {2, 3}, new byte[] {0, 1, 2, 3, 4, (byte) 255});
    for (Path f : new Path[] {file("a.idx", raw), file("a.idx.gz", gzip(raw))}) {
      var t = IdxReader.read(f);
      assertArrayEquals(new int[] {2, 3}, t.shape());
      assertArrayEquals(new float[] {0, 1, 2, 3, 4, 255}, t.toArray());
    }
  }

  @Test
  void wrongFormatsAreNamed() throws IOException {
    assertTrue(error("short", new byte[] {0, 0}).contains("not an IDX file (shorter than its 4-byte header)"));
    assertTrue(error("png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0}).contains("not an IDX file (magic number"));
    assertTrue(error("floats", idx(0x0D, new int[] {1}, new byte[4])).contains("element type 0xd is not supported"));
    assertTrue(error("rank0", idx(8, new int[0], new byte[0])).contains("IDX rank 0 is not plausible"));
  }

  @Test
  void truncatedAndPaddedFilesAreNamed() throws IOException {
    byte[] full = idx(8, new int[] {4, 4}, new byte[16]);
    assertTrue(error("cut-header", Arrays.copyOf(full, 6)).contains("truncated in the header (dimension 0 of 2)"));
    assertTrue(error("cut-data", Arrays.copyOf(full, full.length - 3)).contains("but the file holds 13 (truncated)"));
    assertTrue(error("padded", Arrays.copyOf(full, full.length + 2)).contains("(trailing bytes)"));
    byte[] gz = gzip(full);
    String cut = error("cut.gz", Arrays.copyOf(gz, gz.length - 4)); // inside the gzip trailer
    assertTrue(cut.contains("corrupt or truncated gzip data"), cut);
    assertTrue(error("short.gz", gzip(Arrays.copyOf(full, full.length - 3))).contains("truncated: header declares 16 values"));
    assertTrue(error("long.gz", gzip(Arrays.copyOf(full, full.length + 3))).contains("but more data follows"));
  }

  @Test
  void aHeaderThatLiesAboutItsSizeFailsBeforeAnythingLargeIsAllocated() throws IOException {
    // 2^31-1 cubed would overflow a long; 2^30 of 2^30 is refused outright; a gzipped lie of 1e9 bytes holds 4
    byte[] huge = idx(8, new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, new byte[4]);
    assertTrue(error("huge", huge).contains("not plausible"));
    assertTrue(error("neg", idx(8, new int[] {-1, 2}, new byte[0])).contains("negative dimension -1"));
    byte[] lie = idx(8, new int[] {1000, 1000, 1000}, new byte[4]);
    assertTrue(error("lie", lie).contains("header declares 1000000000 values"));
    assertTrue(error("lie.gz", gzip(lie)).contains("truncated: header declares 1000000000 values [1000, 1000, 1000] but only 4"));
  }
}
