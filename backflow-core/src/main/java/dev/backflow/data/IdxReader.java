package dev.backflow.data;

import dev.backflow.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzipped or not, unsigned-byte data only. The header
 * is checked against the file before anything large is allocated, so a corrupt or lying header is
 * rejected with a message naming the file instead of an OutOfMemoryError.
 */
public final class IdxReader {
  /** Largest tensor we agree to read: a header asking for more is treated as corrupt. */
  private static final long MAX_ELEMENTS = 1L << 30;

  private IdxReader() {}

  /**
   * Raw unsigned bytes and the shape the header declares.
   * @param data the values in row-major order, each an unsigned byte (read them as {@code b & 0xff})
   * @param shape the dimensions from the file's header
   */
  public record Bytes(byte[] data, int[] shape) {}

  /**
   * The file's values as floats, in the shape its header declares.
   * @param file an IDX file of unsigned bytes, plain or gzipped
   * @return a float tensor of values 0 to 255
   * @throws IOException if the file is missing, unreadable, of another element type, or its header does not match its
   *     contents
   */
  public static Tensor read(Path file) throws IOException {
    Bytes b = readBytes(file);
    float[] values = new float[b.data().length];
    for (int i = 0; i < values.length; i++) values[i] = b.data()[i] & 0xff;
    return Tensor.of(values, b.shape());
  }

  /**
   * The file's bytes as stored (a quarter of the memory of floats).
   * @param file an IDX file of unsigned bytes, plain or gzipped
   * @return the bytes and the shape
   * @throws IOException if the file is missing, unreadable, of another element type, or its header does not match its
   *     contents
   */
  public static Bytes readBytes(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
    long fileSize = Files.size(file);
    boolean gz = isGzip(file);
    try (InputStream raw = Files.newInputStream(file);
         DataInputStream in = new DataInputStream(new BufferedInputStream(gz ? new GZIPInputStream(raw) : raw, 1 << 16))) {
      int magic;
      try {
        magic = in.readInt();
      } catch (EOFException e) {
        throw new IOException(file + ": not an IDX file (shorter than its 4-byte header)");
      }
      if ((magic >>> 16) != 0) throw new IOException(file + ": not an IDX file (magic number " + Integer.toHexString(magic) + ")");
      int type = (magic >>> 8) & 0xff, rank = magic & 0xff;
      if (type != 0x08) {
        throw new IOException(file + ": IDX element type 0x" + Integer.toHexString(type) + " is not supported (only unsigned bytes, 0x08)");
      }
      if (rank < 1 || rank > 4) throw new IOException(file + ": IDX rank " + rank + " is not plausible");
      int[] shape = new int[rank];
      long count = 1;
      for (int d = 0; d < rank; d++) {
        try {
          shape[d] = in.readInt();
        } catch (EOFException e) {
          throw new IOException(file + ": truncated in the header (dimension " + d + " of " + rank + ")");
        }
        if (shape[d] < 0) throw new IOException(file + ": negative dimension " + shape[d] + " in the header");
        count *= shape[d]; // at most 2^30 * 2^31 before this check: a long cannot overflow
        if (count > MAX_ELEMENTS) {
          throw new IOException(file + ": header declares more than " + MAX_ELEMENTS + " elements (dimensions "
              + Arrays.toString(Arrays.copyOf(shape, d + 1)) + "...), which is not plausible");
        }
      }
      if (!gz && fileSize - 4 - 4L * rank != count) {
        throw new IOException(file + ": header declares " + count + " values " + Arrays.toString(shape) + " but the file holds "
            + (fileSize - 4 - 4L * rank) + (fileSize - 4 - 4L * rank < count ? " (truncated)" : " (trailing bytes)"));
      }
      // readNBytes(n) grows its buffer as data arrives: a gzip header that lies about the size costs nothing
      byte[] bytes = in.readNBytes((int) count);
      if (bytes.length != count) {
        throw new IOException(file + ": truncated: header declares " + count + " values " + Arrays.toString(shape) + " but only "
            + bytes.length + " are present");
      }
      if (gz && in.read() >= 0) {
        throw new IOException(file + ": header declares " + count + " values " + Arrays.toString(shape) + " but more data follows");
      }
      return new Bytes(bytes, shape);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) throw e;
      throw new IOException(file + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
    }
  }

  private static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }
}
