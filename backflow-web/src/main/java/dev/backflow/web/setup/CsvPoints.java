package dev.backflow.web.setup;

import java.util.ArrayList;
import java.util.List;

/**
 * A learner's own small 2-D data set, carried in the link so that the link reproduces it: rows of
 * x1, x2 and a class label 0 or 1, written "x1,x2,y;x1,x2,y;…". The page reads the uploaded file and checks it
 * first; this class checks it again, since a link can say anything.
 */
public final class CsvPoints {
  public static final int MIN_ROWS = 4;
  public static final int MAX_ROWS = 200;
  /** The text in a link: 200 rows of three short numbers fit easily. */
  public static final int MAX_CHARS = 8000;
  public static final double MAX_ABS = 1000;

  private CsvPoints() {}

  /** The rows [x1, x2, y] of the link's text; a BadRequest names the first problem and its row. */
  public static List<float[]> parse(String text) {
    if (text == null || text.isBlank()) {
      throw new BadRequest("the csv data set needs its points: load a CSV file of rows x1,x2,label (label 0 or 1)");
    }
    if (text.length() > MAX_CHARS) {
      throw new BadRequest("the CSV points take " + text.length() + " characters; at most " + MAX_CHARS + " fit in a link ("
          + MAX_ROWS + " rows)");
    }
    String[] rows = text.trim().split(";");
    if (rows.length < MIN_ROWS || rows.length > MAX_ROWS) {
      throw new BadRequest("a CSV data set has " + MIN_ROWS + " to " + MAX_ROWS + " rows, this one " + rows.length);
    }
    List<float[]> out = new ArrayList<>();
    for (int r = 0; r < rows.length; r++) {
      String[] cells = rows[r].split(",", -1);
      if (cells.length != 3) {
        throw new BadRequest("CSV row " + (r + 1) + " has " + cells.length + " values; each row is x1,x2,label");
      }
      float[] row = new float[3];
      for (int c = 0; c < 3; c++) {
        double v;
        try {
          v = Double.parseDouble(cells[c].trim());
        } catch (NumberFormatException e) {
          throw new BadRequest("CSV row " + (r + 1) + ": '" + cells[c].trim() + "' is not a number");
        }
        if (!Double.isFinite(v) || Math.abs(v) > MAX_ABS) {
          throw new BadRequest("CSV row " + (r + 1) + ": " + cells[c].trim() + " is out of range (at most " + (int) MAX_ABS
              + " either way)");
        }
        row[c] = (float) v;
      }
      if (row[2] != 0f && row[2] != 1f) {
        throw new BadRequest("CSV row " + (r + 1) + ": the label is " + cells[2].trim() + "; labels are 0 or 1");
      }
      out.add(row);
    }
    return out;
  }

  /** The canonical text of rows, as the link keeps it. */
  public static String format(List<float[]> rows) {
    StringBuilder s = new StringBuilder();
    for (float[] row : rows) {
      if (s.length() > 0) s.append(';');
      s.append(plain(row[0])).append(',').append(plain(row[1])).append(',').append((int) row[2]);
    }
    return s.toString();
  }

  /** A float's shortest decimal, plain: 0.1f stays "0.1", not 0.10000000149011612. */
  private static String plain(float v) {
    String s = new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    return s.equals("-0") ? "0" : s;
  }
}
