package dev.backflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
  @TempDir Path dir;

  private Path write(String text) throws IOException {
    Path f = dir.resolve("data.csv");
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  private String error(String text, boolean header, int label) throws IOException {
    Path f = write(text);
    String m = assertThrows(IOException.class, () -> CsvReader.read(f, header, label)).getMessage();
    assertTrue(m.startsWith(f.toString()), m);
    return m;
  }

  @Test
  void readsFeaturesAndTheLabelColumnWithAHeader() throws IOException {
    Path f = write("x1,x2,label\n0.5,-1,0\n\n2,3e-1,1\r\n\"4\", 5 ,2\n");
    TensorDataset d = CsvReader.read(f, true, -1);
    assertEquals(3, d.size());
    assertArrayEquals(new int[] {3, 2}, d.inputs().shape());
    assertArrayEquals(new float[] {0.5f, -1f, 2f, 0.3f, 4f, 5f}, d.inputs().toArray());
    assertArrayEquals(new float[] {0, 1, 2}, d.targets().toArray());
    TensorDataset byName = CsvReader.read(f, "x1");
    assertArrayEquals(new float[] {0.5f, 2f, 4f}, byName.targets().toArray());
    assertArrayEquals(new float[] {-1f, 0f, 0.3f, 1f, 5f, 2f}, byName.inputs().toArray());
  }

  @Test
  void readsAFileWithoutAHeaderWithTheLabelFirst() throws IOException {
    TensorDataset d = CsvReader.read(write("1,0.25,0.75\n0,1,2"), false, 0);
    assertArrayEquals(new float[] {1, 0}, d.targets().toArray());
    assertArrayEquals(new float[] {0.25f, 0.75f, 1f, 2f}, d.inputs().toArray());
  }

  @Test
  void aFieldThatIsNotANumberIsNamedByLineColumnAndHeader() throws IOException {
    String m = error("a,b,y\n1,2,0\n3,abc,1\n", true, -1);
    assertTrue(m.contains(":3, column 2 ('b'): 'abc' is not a number"), m);
    assertTrue(error("1,2,0\n1,,0\n", false, -1).contains(":2, column 2: empty field"), "empty field");
    assertTrue(error("1,0x1p3,0\n", false, -1).contains("'0x1p3' is not a number"), "hex float");
    assertTrue(error("1,NaN,0\n", false, -1).contains("'NaN' is not a number"), "NaN");
    assertTrue(error("1,1e60,0\n", false, -1).contains("1e60 is out of the float32 range"), "overflow");
  }

  @Test
  void aHeaderReadAsDataSuggestsTheHeaderOption() throws IOException {
    assertTrue(error("a,b,y\n1,2,0\n", false, -1).contains("read the file with header = true"));
  }

  @Test
  void aRowWithTheWrongNumberOfFieldsIsNamed() throws IOException {
    String m = error("a,b,y\n1,2,0\n1,2\n", true, -1);
    assertTrue(m.contains(":3: 2 fields, but the header has 3"), m);
  }

  @Test
  void emptyFilesMissingColumnsAndSingleColumnsAreRejected() throws IOException {
    assertTrue(error("", false, -1).contains("no data rows"));
    assertTrue(error("a,b,y\n\n", true, -1).contains("no data rows after the header"));
    assertTrue(error("1,2,3\n", false, 3).contains("label column 3 does not exist: the file has 3 columns"));
    assertTrue(error("1\n2\n", false, 0).contains("need a label column and at least one feature column"));
    Path f = write("a,b\n1,2\n");
    String m = assertThrows(IOException.class, () -> CsvReader.read(f, "label")).getMessage();
    assertTrue(m.contains("no column named 'label' in the header [a, b]"), m);
  }

  @Test
  void binaryFilesAndEndlessLinesAreRefusedWithoutReadingThemWhole() throws IOException {
    Path bin = dir.resolve("image.csv");
    Files.write(bin, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, (byte) 0xfe, 10});
    String m = assertThrows(IOException.class, () -> CsvReader.read(bin, false, -1)).getMessage();
    assertTrue(m.contains("not UTF-8 text"), m);
    Path endless = dir.resolve("endless.csv");
    Files.writeString(endless, "1,".repeat(CsvReader.MAX_LINE));
    m = assertThrows(IOException.class, () -> CsvReader.read(endless, false, -1)).getMessage();
    assertTrue(m.contains(":1: line longer than"), m);
    assertTrue(assertThrows(IOException.class, () -> CsvReader.read(dir.resolve("none.csv"), false, -1)).getMessage()
        .contains("no such file"));
  }
}
