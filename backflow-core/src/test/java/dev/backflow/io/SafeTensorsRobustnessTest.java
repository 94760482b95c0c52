package dev.backflow.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt, truncated and wrong-format safetensors files are refused with the file and the problem named. */
class SafeTensorsRobustnessTest {
  @TempDir Path dir;

  /** A file with this JSON header and {@code dataBytes} zero bytes of data. */
  static byte[] file(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    return b.array();
  }

  private String error(byte[] bytes) throws IOException {
    Path f = dir.resolve("model.safetensors");
    Files.write(f, bytes);
    String m = assertThrows(IOException.class, () -> SafeTensors.load(f)).getMessage();
    assertTrue(m.startsWith(f.toString() + ": "), m);
    return m;
  }

  @Test
  void aSavedFileLoadsBackExactly() throws IOException {
    Path f = dir.resolve("ok.safetensors");
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    SafeTensors.save(f, t, Map.of("epoch", "3"));
    SafeTensors.Contents c = SafeTensors.load(f);
    assertArrayEquals(t.get("w").toArray(), c.tensors().get("w").toArray());
    assertTrue(c.metadata().equals(Map.of("epoch", "3")));
  }

  @Test
  void wrongFormatsAndLyingHeaderLengthsAreNamed() throws IOException {
    assertTrue(error(new byte[] {1, 2, 3}).contains("not a safetensors file (3 bytes"));
    byte[] lie = file("{}", 0);
    ByteBuffer.wrap(lie).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
    assertTrue(error(lie).contains("header length " + Long.MAX_VALUE));
    assertTrue(error(file("not json", 0)).contains("corrupt safetensors header"));
    assertTrue(error(file("[1, 2]", 0)).contains("the header is not a JSON object"));
  }

  @Test
  void entriesThatDoNotFitTheDataAreNamed() throws IOException {
    assertTrue(error(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4))
        .contains("entry 'w' declares bytes [0, 8) for shape [2] of F32, which does not fit the 4-byte data section"));
    // I64 is read now (PyTorch's num_batches_tracked); its 8-byte width is what the range is checked against
    assertTrue(error(file("{\"w\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8))
        .contains("entry 'w' declares bytes [0, 8) for shape [2] of I64, which does not fit the 8-byte data section"));
    assertTrue(error(file("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,9]}}", 8))
        .contains("entry 'w' declares bytes [0, 9) outside the 8-byte data section"));
    assertTrue(error(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4)).contains("invalid shape"));
    String overflow = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,4]}}";
    assertTrue(error(file(overflow, 4)).contains("more values than the 4-byte data section holds"));
    assertTrue(error(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4)).contains("lacks a valid shape or data_offsets"));
  }

  @Test
  void aFlippedByteInTheDataFailsTheChecksum() throws IOException {
    Path f = dir.resolve("ckpt.safetensors");
    SafeTensors.save(f, Map.of("w", Tensor.of(new float[] {1, 2, 3, 4}, 4)), Map.of());
    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length - 5] ^= 0x10;
    assertTrue(error(bytes).contains("checksum mismatch"));
    byte[] cut = Arrays.copyOf(Files.readAllBytes(f), Files.readAllBytes(f).length - 4);
    String m = error(cut);
    assertTrue(m.contains("does not fit") || m.contains("checksum"), m);
  }
}
