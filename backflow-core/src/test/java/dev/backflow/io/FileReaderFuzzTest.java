package dev.backflow.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backflow.data.CsvReader;
import dev.backflow.data.IdxReader;
import dev.backflow.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzing of the file readers: random bytes, and valid files with random edits (flipped, overwritten,
 * inserted bytes, truncation). Each reader must either read the file or refuse it with an IOException that
 * names the file; anything else (an ArrayIndexOutOfBounds, a NegativeArraySize, an OutOfMemoryError from a
 * size taken on trust) fails the property.
 *
 * <p>CI runs each property {@code jqwik.tries.default} times (200, set in junit-platform.properties). A longer
 * run: {@code mvn -pl backflow-core test -Dtest=FileReaderFuzzTest -Djqwik.tries.default=100000}.
 */
class FileReaderFuzzTest {

  /** One edit of a file: what to do, where (taken modulo the length), and with which byte. */
  record Edit(int kind, int position, byte value) {}

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().greaterOrEqual(0),
        Arbitraries.bytes()).as(Edit::new);
    return edit.list().ofMinSize(1).ofMaxSize(4);
  }

  static byte[] apply(byte[] original, List<Edit> edits, int limit) {
    byte[] b = original;
    for (Edit e : edits) {
      if (b.length == 0) break;
      int at = e.position() % Math.min(b.length, limit);
      switch (e.kind()) {
        case 0: b = b.clone(); b[at] ^= (byte) (1 << (e.value() & 7)); break;                // one bit
        case 1: b = b.clone(); b[at] = e.value(); break;                                      // one byte
        case 2: b = b.clone(); b[at] = (byte) ((e.value() & 1) == 0 ? 0x7f : 0xff); break;    // an extreme byte
        case 3: b = Arrays.copyOf(b, at); break;                                              // truncation
        default:                                                                              // an insertion
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, at);
          c[at] = e.value();
          System.arraycopy(b, at, c, at + 1, b.length - at);
          b = c;
      }
    }
    return b;
  }

  @FunctionalInterface
  interface Reader {
    void read(Path file) throws Exception;
  }

  /** Reads {@code bytes} from a file; only success or an IOException naming the file are acceptable. */
  static void readsOrRefusesCleanly(String suffix, byte[] bytes, Reader reader) throws IOException {
    Path f = Files.createTempFile("fuzz", suffix);
    try {
      Files.write(f, bytes);
      try {
        reader.read(f);
      } catch (IOException e) {
        assertTrue(e.getMessage() != null && e.getMessage().startsWith(f.toString()), "message does not name the file: " + e);
      } catch (Throwable t) {
        fail("unclean failure on " + bytes.length + " bytes " + hex(bytes) + ": " + t, t);
      }
    } finally {
      Files.deleteIfExists(f);
    }
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, 96); i++) sb.append(String.format("%02x", b[i]));
    return sb.append(b.length > 96 ? "..." : "").toString();
  }

  // ============================================================================ IDX

  static final byte[] IDX = idx();
  static final byte[] IDX_GZ = gzip(IDX);

  static byte[] idx() {
    ByteBuffer b = ByteBuffer.allocate(4 + 12 + 2 * 3 * 4);
    b.putInt(0x0803).putInt(2).putInt(3).putInt(4);
    for (int i = 0; i < 24; i++) b.put((byte) (i * 10));
    return b.array();
  }

  static byte[] gzip(byte[] raw) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(raw);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Property
  void idxRandomBytes(@ForAll @Size(max = 64) byte[] bytes) throws IOException {
    readsOrRefusesCleanly(".idx", bytes, IdxReader::read);
  }

  @Property
  void idxEditedFiles(@ForAll("edits") List<Edit> edits) throws IOException {
    readsOrRefusesCleanly(".idx", apply(IDX, edits, 16), IdxReader::read); // the header: where lies do harm
    readsOrRefusesCleanly(".idx", apply(IDX, edits, Integer.MAX_VALUE), IdxReader::read);
    readsOrRefusesCleanly(".idx.gz", apply(IDX_GZ, edits, Integer.MAX_VALUE), IdxReader::read);
  }

  // ============================================================================ CSV

  static final byte[] CSV = "x1,x2,label\n0.5,-1,0\n2,3e-1,1\n\"4\",5,2\n".getBytes(StandardCharsets.UTF_8);

  @Provide
  Arbitrary<String> csvLike() {
    return Arbitraries.strings().withChars("0123456789.,-+eE\n\r\" a\u00e9").ofMaxLength(80);
  }

  @Property
  void csvRandomText(@ForAll("csvLike") String text, @ForAll boolean header) throws IOException {
    readsOrRefusesCleanly(".csv", text.getBytes(StandardCharsets.UTF_8), f -> CsvReader.read(f, header, -1));
  }

  @Property
  void csvRandomBytesAndEditedFiles(@ForAll @Size(max = 64) byte[] bytes, @ForAll("edits") List<Edit> edits) throws IOException {
    readsOrRefusesCleanly(".csv", bytes, f -> CsvReader.read(f, false, 0));
    readsOrRefusesCleanly(".csv", apply(CSV, edits, Integer.MAX_VALUE), f -> CsvReader.read(f, "label"));
  }

  // ============================================================================ safetensors

  static final byte[] SAFETENSORS = safetensors();

  static byte[] safetensors() {
    try {
      Path f = Files.createTempFile("fuzz", ".safetensors");
      SafeTensors.save(f, Map.of("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), "b", Tensor.of(7f)), Map.of("epoch", "1"));
      byte[] b = Files.readAllBytes(f);
      Files.delete(f);
      return b;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Property
  void safetensorsRandomBytes(@ForAll @Size(max = 64) byte[] bytes) throws IOException {
    readsOrRefusesCleanly(".safetensors", bytes, SafeTensors::load);
  }

  @Property
  void safetensorsEditedFiles(@ForAll("edits") List<Edit> edits) throws IOException {
    int headerEnd = 8 + (int) ByteBuffer.wrap(SAFETENSORS, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    readsOrRefusesCleanly(".safetensors", apply(SAFETENSORS, edits, 8), SafeTensors::load);          // the length
    readsOrRefusesCleanly(".safetensors", apply(SAFETENSORS, edits, headerEnd), SafeTensors::load);  // the JSON
    readsOrRefusesCleanly(".safetensors", apply(SAFETENSORS, edits, Integer.MAX_VALUE), SafeTensors::load);
  }

  @Property
  void safetensorsHeadersOfRandomJson(@ForAll("jsonLike") String header) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    readsOrRefusesCleanly(".safetensors", b.array(), SafeTensors::load);
  }

  @Provide
  Arbitrary<String> jsonLike() {
    Arbitrary<String> piece = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"w\"", "\"dtype\"", "\"F32\"", "\"BF16\"", "\"shape\"",
        "\"data_offsets\"", "\"__metadata__\"", "0", "1", "4", "16", "-1", "2147483647", "9223372036854775807",
        "99999999999999999999", "1e3", "null", "true", "\"\\u0000\"", "\"\\ud800\"", " ");
    return piece.list().ofMaxSize(30).map(l -> String.join("", l));
  }
}
