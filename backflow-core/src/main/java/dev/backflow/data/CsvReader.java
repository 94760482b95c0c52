package dev.backflow.data;

import dev.backflow.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a numeric CSV file (UTF-8, comma-separated, one example per line, an optional header line) into a
 * {@link TensorDataset}: one column is the label, the others the features. Inputs are [n, features] and
 * targets [n], so integer labels serve as class indices (for regression against [n, 1] predictions, use
 * {@code targets().unsqueeze(1)}). Every problem is reported with the file, line and column; blank lines are
 * skipped.
 */
public final class CsvReader {
  /** Plain decimal numbers only: Java's own parser would also take "0x1p3", "1f" and "NaN". */
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  /** Longer lines are not a numeric CSV (a binary file, say), and are refused before they fill the memory. */
  static final int MAX_LINE = 1 << 20;

  private CsvReader() {}

  /**
   * The label in column {@code labelColumn} (0-based; -1 for the last column).
   * @param file the CSV file
   * @param header true if the first non-blank line names the columns (it is then skipped)
   * @param labelColumn the label's column, 0-based; negative values count from the end
   * @return inputs {@code [n, columns - 1]} and targets {@code [n]}
   * @throws IOException if the file cannot be read, is not UTF-8, has no data rows, rows of different lengths, a field
   *     that is not a plain decimal number, or no such column (the message names the file, line and column)
   */
  public static TensorDataset read(Path file, boolean header, int labelColumn) throws IOException {
    return parse(file, header, labelColumn, null);
  }

  /**
   * The label in the column whose header is {@code labelName}.
   * The first non-blank line must be a header.
   *
   * @param file the CSV file
   * @param labelName the header of the label's column, exactly as written
   * @return inputs {@code [n, columns - 1]} and targets {@code [n]}
   * @throws IOException if the file cannot be read, is not UTF-8, has no data rows, rows of different lengths, a field
   *     that is not a plain decimal number, or no column with that name (the message names the file, line and column)
   */
  public static TensorDataset read(Path file, String labelName) throws IOException {
    return parse(file, true, -1, labelName);
  }

  private static TensorDataset parse(Path file, boolean header, int labelColumn, String labelName) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
    int columns = -1, label = -1, lineNo = 0, rows = 0;
    List<String> names = null;
    FloatList features = new FloatList(), labels = new FloatList();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = readLine(in, file, lineNo + 1)) != null) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1); // byte-order mark
        if (line.isBlank()) continue;
        String[] fields = line.split(",", -1);
        if (columns < 0) {
          columns = fields.length;
          if (columns < 2) {
            throw new IOException(file + ":" + lineNo + ": " + columns + " column; need a label column and at least one feature column");
          }
          if (header) {
            names = new ArrayList<>();
            for (String f : fields) names.add(unquote(f));
          }
          label = labelIndex(file, columns, labelColumn, labelName, names);
          if (header) continue;
        } else if (fields.length != columns) {
          throw new IOException(file + ":" + lineNo + ": " + fields.length + " fields, but " + (header ? "the header has " : "the first row has ")
              + columns + " (a missing or extra comma?)");
        }
        for (int c = 0; c < columns; c++) {
          float v = number(file, lineNo, c, names, fields[c], !header && rows == 0);
          if (c == label) labels.add(v);
          else features.add(v);
        }
        rows++;
      }
    } catch (CharacterCodingException e) {
      throw new IOException(file + ":" + (lineNo + 1) + ": not UTF-8 text (a binary file?)", e);
    }
    if (rows == 0) throw new IOException(file + ": no data rows" + (header && columns > 0 ? " after the header" : ""));
    return new TensorDataset(Tensor.of(features.toArray(), rows, columns - 1), Tensor.of(labels.toArray(), rows));
  }

  private static int labelIndex(Path file, int columns, int labelColumn, String labelName, List<String> names) throws IOException {
    if (labelName != null) {
      int i = names.indexOf(labelName);
      if (i < 0) throw new IOException(file + ":1: no column named '" + labelName + "' in the header " + names);
      return i;
    }
    int i = labelColumn < 0 ? columns + labelColumn : labelColumn;
    if (i < 0 || i >= columns) {
      throw new IOException(file + ": label column " + labelColumn + " does not exist: the file has " + columns + " columns (0 to "
          + (columns - 1) + ", or -1 for the last)");
    }
    return i;
  }

  private static float number(Path file, int line, int column, List<String> names, String field, boolean firstRow)
      throws IOException {
    String s = unquote(field);
    String where = file + ":" + line + ", column " + (column + 1) + (names != null ? " ('" + names.get(column) + "')" : "");
    if (s.isEmpty()) throw new IOException(where + ": empty field, expected a number");
    if (!NUMBER.matcher(s).matches()) {
      throw new IOException(where + ": '" + abbreviate(s) + "' is not a number"
          + (firstRow ? " (if the first line is a header, read the file with header = true)" : ""));
    }
    float v = Float.parseFloat(s);
    if (!Float.isFinite(v)) throw new IOException(where + ": " + s + " is out of the float32 range");
    return v;
  }

  private static String unquote(String field) {
    String s = field.strip();
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) s = s.substring(1, s.length() - 1).strip();
    return s;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** One line without its terminator (\n or \r\n), or null at the end; refuses lines over MAX_LINE characters. */
  private static String readLine(BufferedReader in, Path file, int lineNo) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') break;
      if (sb.length() >= MAX_LINE) throw new IOException(file + ":" + lineNo + ": line longer than " + MAX_LINE + " characters; not a numeric CSV");
      sb.append((char) c);
    }
    if (c < 0 && sb.length() == 0) return null;
    int n = sb.length();
    if (n > 0 && sb.charAt(n - 1) == '\r') sb.setLength(n - 1);
    return sb.toString();
  }

  /** A growable float array: no boxing for files of millions of values. */
  private static final class FloatList {
    private float[] a = new float[1024];
    private int n;

    void add(float v) {
      if (n == a.length) a = Arrays.copyOf(a, a.length * 2);
      a[n++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
