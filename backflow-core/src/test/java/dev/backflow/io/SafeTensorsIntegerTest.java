package dev.backflow.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.tensor.DType;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** I64 and I32 entries load as exact INT64 tensors, and INT64 tensors are written from their integer values. */
class SafeTensorsIntegerTest {
  private static final long BIG = (1L << 40) + 3; // beyond float32's exact integers

  @TempDir Path dir;

  @Test
  void i64AndI32EntriesWrittenByAnotherToolLoadAsExactInt64() throws IOException {
    // written byte by byte, as PyTorch lays them out: an I64 [2] and an I32 [] (0-d, like num_batches_tracked)
    String header = "{\"a\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
        + "\"b\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[16,20]},"
        + "\"c\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[20,21]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer bb = ByteBuffer.allocate(8 + h.length + 21).order(ByteOrder.LITTLE_ENDIAN);
    bb.putLong(h.length).put(h).putLong(BIG).putLong(-7).putInt(-123456789).put((byte) 200);
    Path f = dir.resolve("ints.safetensors");
    Files.write(f, bb.array());

    SafeTensors.Contents c = SafeTensors.load(f);
    Tensor a = c.tensors().get("a"), b = c.tensors().get("b");
    assertEquals(DType.INT64, a.dtype());
    assertArrayEquals(new long[] {BIG, -7}, a.toLongArray());
    assertEquals(DType.INT64, b.dtype());
    assertArrayEquals(new int[0], b.shape());
    assertEquals(-123456789L, b.longValue());
    assertEquals(DType.FLOAT32, c.tensors().get("c").dtype(), "U8 stays float32: there is no 8-bit dtype");
    assertEquals(Map.of("a", "I64", "b", "I32", "c", "U8"), c.dtypes());
  }

  @Test
  void int64TensorsRoundTripExactlyAndDefaultToI64() throws IOException {
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("labels", Tensor.ofLongs(new long[] {BIG, -BIG, 0}, 3));
    t.put("small", Tensor.labels(5, -6));
    t.put("asFloat", Tensor.labels(2, 3));
    Path f = dir.resolve("round.safetensors");
    SafeTensors.save(f, t, Map.of(), Map.of("small", "I32", "asFloat", "F32"));
    SafeTensors.Contents c = SafeTensors.load(f);
    assertEquals(Map.of("labels", "I64", "small", "I32", "asFloat", "F32"), c.dtypes());
    assertArrayEquals(new long[] {BIG, -BIG, 0}, c.tensors().get("labels").toLongArray());
    assertEquals(DType.INT64, c.tensors().get("small").dtype());
    assertArrayEquals(new long[] {5, -6}, c.tensors().get("small").toLongArray());
    assertEquals(DType.FLOAT32, c.tensors().get("asFloat").dtype());
    assertArrayEquals(new float[] {2, 3}, c.tensors().get("asFloat").toArray(), 0f);
  }

  @Test
  void anInt64ValueOutsideI32IsRefusedByName() {
    var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(dir.resolve("x.safetensors"),
        Map.of("n", Tensor.ofLongs(new long[] {BIG}, 1)), Map.of(), Map.of("n", "I32")));
    assertTrue(e.getMessage().contains("'n' holds " + BIG + ", outside I32's range"), e.getMessage());
  }

  @Test
  void anInt64CounterLoadsIntoAFloatBufferOfTheSameShape() {
    Tensor buffer = Tensor.zeros();
    buffer.copy_(Tensor.ofLongs(new long[] {2}));
    assertEquals(2f, buffer.item());
  }
}
