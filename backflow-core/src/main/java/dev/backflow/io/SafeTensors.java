package dev.backflow.io;

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
 */
public final class SafeTensors {
  private static final long MAX_HEADER = 100L << 20;

  private SafeTensors() {}

  /** Tensors and string metadata read from a file. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

  public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    List<float[]> data = new ArrayList<>();
    long offset = 0;
    CRC32 crc = new CRC32();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      float[] v = e.getValue().toArray();
      data.add(v);
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("dtype", "F32");
      info.put("shape", e.getValue().shape());
      info.put("data_offsets", List.of(offset, offset + 4L * v.length));
      header.put(e.getKey(), info);
      offset += 4L * v.length;
    }
    byte[] body = new byte[(int) offset];
    ByteBuffer bb = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] v : data) for (float f : v) bb.putFloat(f);
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
      for (Map.Entry<?, ?> e : header.entrySet()) {
        String name = String.valueOf(e.getKey());
        if (name.equals("__metadata__")) {
          if (!(e.getValue() instanceof Map)) throw new IOException(file + ": __metadata__ is not an object");
          ((Map<?, ?>) e.getValue()).forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
          continue;
        }
        tensors.put(name, tensor(file, name, e.getValue(), body, dataLen));
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
      return new Contents(tensors, metadata);
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
    int width;
    if ("F32".equals(dtype)) width = 4;
    else if ("F16".equals(dtype) || "BF16".equals(dtype)) width = 2;
    else throw new IOException(file + ": entry '" + name + "' has dtype " + dtype + "; Backflow reads F32, F16 and BF16");
    if (begin < 0 || end < begin || end > dataLen || end - begin != count * width) {
      throw new IOException(file + ": entry '" + name + "' declares bytes [" + begin + ", " + end + ") for shape "
          + java.util.Arrays.toString(shape) + " of " + dtype + ", which does not fit the " + dataLen + "-byte data section");
    }
    float[] v = new float[(int) count];
    for (int i = 0; i < v.length; i++) {
      int at = (int) (begin + (long) i * width);
      if (width == 4) v[i] = body.getFloat(at);
      else if ("BF16".equals(dtype)) v[i] = Float.intBitsToFloat((body.getShort(at) & 0xffff) << 16);
      else v[i] = HalfFloat.toFloat(body.getShort(at));
    }
    return Tensor.of(v, shape);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, Path file) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) throw new IOException(file + ": truncated");
    }
  }
}
