package dev.backflow.io;

import dev.backflow.tensor.DType;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The safetensors format (8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the raw little-endian data), so weights move to and from PyTorch
 * ({@code safetensors.torch.load_file}). Writes go to a temporary file that is renamed into place, so a
 * crash never leaves a half-written file; a CRC-32 of the data in the metadata is verified on load.
 *
 * <p>Every dtype PyTorch writes is read: I64 and I32 load as {@link dev.backflow.tensor.DType#INT64} tensors
 * (exact; labels, indices, counters), F32, F64, F16, BF16, I16, I8, U8 and BOOL are converted to float32
 * (Backflow has no 8-, 16-bit integer or bool dtype; those values are exact in float32), and the stored dtype of each tensor is kept in {@link Contents#dtypes()}. Entries of a dtype Backflow cannot
 * hold (float8, complex, ...) are skipped and listed by name in {@link Contents#skipped()}. Files are
 * written with permissions rw-r--r--, as {@code torch.save} leaves them under the usual umask.
 */
public final class SafeTensors {
  private static final long MAX_HEADER = 100L << 20;

  private SafeTensors() {}

  /**
   * Tensors and string metadata read from a file.
   *
   * @param tensors the tensors Backflow can hold, in file order: INT64 for I64 and I32 entries, float32 for the others
   * @param metadata the string metadata (without the checksum)
   * @param dtypes the stored dtype of each tensor of {@code tensors} ("F32", "I64", ...)
   * @param skipped name to dtype of the entries that were not read (a dtype Backflow cannot hold)
   */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, String> dtypes,
                         Map<String, String> skipped) {
    /**
     * Contents with every tensor stored as F32 and nothing skipped.
     *
     * @param tensors the tensors
     * @param metadata the metadata
     */
    public Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
      this(tensors, metadata, Map.of(), Map.of());
    }
  }

  /** The dtypes read, with their byte widths. */
  private static final Map<String, Integer> WIDTHS = Map.of("F64", 8, "F32", 4, "F16", 2, "BF16", 2, "I64", 8,
      "I32", 4, "I16", 2, "I8", 1, "U8", 1, "BOOL", 1);

  /**
   * Writes tensors as F32 with string metadata.
   *
   * @param file the destination, replaced atomically
   * @param tensors tensors by name, in the order to write
   * @param metadata string metadata (a "crc32" entry is added)
   * @throws IOException when the file cannot be written
   */
  public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    save(file, tensors, metadata, Map.of());
  }

  /**
   * Writes tensors with a chosen dtype per name (F32 where none is given), e.g. "I64" for BatchNorm's
   * {@code num_batches_tracked} so PyTorch reads it as it wrote it.
   *
   * @param file the destination, replaced atomically, permissions rw-r--r--
   * @param tensors tensors by name, in the order to write
   * @param metadata string metadata (a "crc32" entry is added)
   * @param dtypes name to one of F32, F64, F16, BF16, I64, I32, U8, BOOL
   * @throws IOException when the file cannot be written
   * @throws IllegalArgumentException for an unknown dtype, or a non-integer value stored as an integer dtype
   */
  public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, String> dtypes)
      throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    List<float[]> data = new ArrayList<>();
    List<long[]> integers = new ArrayList<>(); // an INT64 tensor's exact values, for an integer dtype; else null
    List<String> types = new ArrayList<>();
    long offset = 0;
    CRC32 crc = new CRC32();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      boolean int64 = e.getValue().dtype() == DType.INT64;
      String dtype = dtypes.getOrDefault(e.getKey(), int64 ? "I64" : "F32");
      boolean exact = int64 && !dtype.startsWith("F") && !dtype.equals("BF16");
      float[] v = exact ? null : e.getValue().toArray();
      long[] l = exact ? e.getValue().toLongArray() : null;
      int count = e.getValue().numel();
      Integer width = WIDTHS.get(dtype);
      if (width == null || dtype.equals("I16") || dtype.equals("I8")) {
        throw new IllegalArgumentException("SafeTensors.save: '" + e.getKey() + "' has dtype " + dtype
            + "; Backflow writes F32, F64, F16, BF16, I64, I32, U8 and BOOL");
      }
      data.add(v);
      integers.add(l);
      types.add(dtype);
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("dtype", dtype);
      info.put("shape", e.getValue().shape());
      info.put("data_offsets", List.of(offset, offset + (long) width * count));
      header.put(e.getKey(), info);
      offset += (long) width * count;
    }
    byte[] body = new byte[(int) offset];
    ByteBuffer bb = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    int k = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      String dtype = types.get(k);
      if (integers.get(k) != null) for (long v : integers.get(k)) putInteger(bb, dtype, v, e.getKey());
      else for (float f : data.get(k)) put(bb, dtype, f, e.getKey());
      k++;
    }
    crc.update(body);
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.put("crc32", Long.toHexString(crc.getValue()));
    if (!meta.isEmpty()) header.put("__metadata__", meta);
    byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
    int pad = (8 - json.length % 8) % 8; // align the data start to 8 bytes, as the reference writer does
    byte[] head = new byte[json.length + pad];
    System.arraycopy(json, 0, head, 0, json.length);
    for (int i = json.length; i < head.length; i++) head[i] = ' ';

    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try {
        // createTempFile makes the file private (0600); a model file is meant to be shared, as torch.save's are
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: its defaults apply
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
           OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).array());
        out.write(head);
        out.write(body);
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void put(ByteBuffer bb, String dtype, float f, String name) {
    switch (dtype) {
      case "F32": bb.putFloat(f); return;
      case "F64": bb.putDouble(f); return;
      case "F16": bb.putShort(HalfFloat.fromFloat(f)); return;
      case "BF16": {
        int bits = Float.floatToRawIntBits(f);
        // round to nearest even on the 16 dropped bits (NaN stays NaN)
        int rounded = Float.isNaN(f) ? (bits | 0x400000) : bits + 0x7fff + ((bits >>> 16) & 1);
        bb.putShort((short) (rounded >>> 16));
        return;
      }
      default:
        break;
    }
    if (f != Math.rint(f) || !Float.isFinite(f)) {
      throw new IllegalArgumentException("SafeTensors.save: '" + name + "' holds " + f + ", which " + dtype + " cannot store");
    }
    putInteger(bb, dtype, (long) f, name);
  }

  private static void putInteger(ByteBuffer bb, String dtype, long v, String name) {
    switch (dtype) {
      case "I64": bb.putLong(v); return;
      case "I32":
        if (v != (int) v) throw new IllegalArgumentException("SafeTensors.save: '" + name + "' holds " + v + ", outside I32's range");
        bb.putInt((int) v);
        return;
      case "U8":
        if (v < 0 || v > 255) throw new IllegalArgumentException("SafeTensors.save: '" + name + "' holds " + v + ", outside U8's 0..255");
        bb.put((byte) v);
        return;
      case "BOOL": bb.put((byte) (v != 0 ? 1 : 0)); return;
      default: throw new IllegalStateException(dtype);
    }
  }

  /**
   * Reads a file written by Backflow, PyTorch ({@code safetensors.torch.save_file}) or any other writer.
   *
   * @param file the file
   * @return its tensors (INT64 for I64 and I32 entries, float32 for the others), metadata, stored dtypes and skipped entries
   * @throws IOException naming the file and the problem when it is missing, truncated, corrupt or inconsistent
   */
  public static Contents load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
    long size = Files.size(file);
    if (size < 8) throw new IOException(file + ": not a safetensors file (" + size + " bytes, shorter than the 8-byte header length)");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, file);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > size - 8) {
        throw new IOException(file + ": not a safetensors file (header length " + headerLen + " for a file of " + size + " bytes)");
      }
      ByteBuffer headBuf = ByteBuffer.allocate((int) headerLen);
      readFully(ch, headBuf, file);
      Map<?, ?> header;
      try {
        Object parsed = Json.parse(new String(headBuf.array(), StandardCharsets.UTF_8).trim());
        if (!(parsed instanceof Map)) throw new IllegalArgumentException("the header is not a JSON object");
        header = (Map<?, ?>) parsed;
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": corrupt safetensors header (" + e.getMessage() + ")", e);
      }
      long dataLen = size - 8 - headerLen;
      if (dataLen > Integer.MAX_VALUE) throw new IOException(file + ": data section of " + dataLen + " bytes is too large");
      ByteBuffer body = ByteBuffer.allocate((int) dataLen).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, body, file);
      body.flip();
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      Map<String, String> dtypes = new LinkedHashMap<>(), skipped = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : header.entrySet()) {
        String name = String.valueOf(e.getKey());
        if (name.equals("__metadata__")) {
          if (!(e.getValue() instanceof Map)) throw new IOException(file + ": __metadata__ is not an object");
          ((Map<?, ?>) e.getValue()).forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
          continue;
        }
        Tensor t = tensor(file, name, e.getValue(), body, dataLen);
        String dtype = String.valueOf(((Map<?, ?>) e.getValue()).get("dtype"));
        if (t == null) skipped.put(name, dtype);
        else {
          tensors.put(name, t);
          dtypes.put(name, dtype);
        }
      }
      String crc = metadata.remove("crc32");
      if (crc != null) {
        CRC32 c = new CRC32();
        c.update(body.duplicate().position(0));
        if (!Long.toHexString(c.getValue()).equals(crc)) {
          throw new IOException(file + ": checksum mismatch (stored " + crc + ", computed " + Long.toHexString(c.getValue())
              + "): the file is corrupt");
        }
      }
      return new Contents(tensors, metadata, dtypes, skipped);
    }
  }

  private static Tensor tensor(Path file, String name, Object spec, ByteBuffer body, long dataLen) throws IOException {
    if (!(spec instanceof Map)) throw new IOException(file + ": entry '" + name + "' is not an object");
    Map<?, ?> m = (Map<?, ?>) spec;
    Object dtype = m.get("dtype"), shapeObj = m.get("shape"), offs = m.get("data_offsets");
    if (!(shapeObj instanceof List) || !(offs instanceof List) || ((List<?>) offs).size() != 2) {
      throw new IOException(file + ": entry '" + name + "' lacks a valid shape or data_offsets");
    }
    List<?> shapeList = (List<?>) shapeObj;
    int[] shape = new int[shapeList.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      Object d = shapeList.get(i);
      if (!(d instanceof Long) || (Long) d < 0 || (Long) d > Integer.MAX_VALUE) {
        throw new IOException(file + ": entry '" + name + "' has an invalid shape " + shapeList);
      }
      shape[i] = (int) (long) (Long) d;
      count *= shape[i]; // at most 2^31 * 2^31 before the check below: a long cannot overflow
      if (count > dataLen) {
        throw new IOException(file + ": entry '" + name + "' has shape " + shapeList + ", more values than the "
            + dataLen + "-byte data section holds");
      }
    }
    Object b0 = ((List<?>) offs).get(0), b1 = ((List<?>) offs).get(1);
    if (!(b0 instanceof Long) || !(b1 instanceof Long)) throw new IOException(file + ": entry '" + name + "' has invalid data_offsets");
    long begin = (Long) b0, end = (Long) b1;
    Integer w = WIDTHS.get(String.valueOf(dtype));
    if (w == null) {
      if (!(dtype instanceof String)) throw new IOException(file + ": entry '" + name + "' has no dtype");
      if (begin < 0 || end < begin || end > dataLen) {
        throw new IOException(file + ": entry '" + name + "' declares bytes [" + begin + ", " + end + ") outside the "
            + dataLen + "-byte data section");
      }
      return null; // a dtype Backflow cannot hold: skipped by name
    }
    int width = w;
    if (begin < 0 || end < begin || end > dataLen || end - begin != count * width) {
      throw new IOException(file + ": entry '" + name + "' declares bytes [" + begin + ", " + end + ") for shape "
          + java.util.Arrays.toString(shape) + " of " + dtype + ", which does not fit the " + dataLen + "-byte data section");
    }
    if (dtype.equals("I64") || dtype.equals("I32")) {
      long[] l = new long[(int) count];
      for (int i = 0; i < l.length; i++) {
        int at = (int) (begin + (long) i * width);
        l[i] = width == 8 ? body.getLong(at) : body.getInt(at);
      }
      return Tensor.ofLongs(l, shape);
    }
    float[] v = new float[(int) count];
    for (int i = 0; i < v.length; i++) {
      int at = (int) (begin + (long) i * width);
      switch ((String) dtype) {
        case "F32": v[i] = body.getFloat(at); break;
        case "F64": v[i] = (float) body.getDouble(at); break;
        case "BF16": v[i] = Float.intBitsToFloat((body.getShort(at) & 0xffff) << 16); break;
        case "F16": v[i] = HalfFloat.toFloat(body.getShort(at)); break;
        case "I16": v[i] = body.getShort(at); break;
        case "I8": v[i] = body.get(at); break;
        case "U8": v[i] = body.get(at) & 0xff; break;
        default: v[i] = body.get(at) != 0 ? 1f : 0f; break; // BOOL
      }
    }
    return Tensor.of(v, shape);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, Path file) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) throw new IOException(file + ": truncated");
    }
  }
}
