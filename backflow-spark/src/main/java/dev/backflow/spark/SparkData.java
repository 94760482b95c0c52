package dev.backflow.spark;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.input.PortableDataStream;
import scala.Tuple2;

/**
 * Examples from any path Spark's Hadoop layer reads ({@code file:}, {@code hdfs:}, {@code s3a:}, as the cluster
 * provides), keyed by their index in the dataset (file order), which is what epoch orders and dropout masks are
 * keyed by. IDX (MNIST / Fashion-MNIST, gzipped or not) and numeric CSV, as Backflow's single-machine readers.
 */
public final class SparkData {
  /** Fashion-MNIST's training-set mean and standard deviation, as {@code dev.backflow.data.FashionMnist} uses. */
  public static final float FASHION_MEAN = 0.2860f, FASHION_STD = 0.3530f;
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private SparkData() {}

  /**
   * Fashion-MNIST's {@code split} ("train" or "t10k") from a directory holding the IDX files (named as Debian's
   * package and the original site name them, gzipped or not), pixels standardized as the single-machine
   * {@code FashionMnist} does, as [784] vectors.
   */
  public static JavaPairRDD<Long, Example> fashionMnist(JavaSparkContext sc, String dir, String split) {
    String base = dir.endsWith("/") ? dir : dir + "/";
    return idx(sc, base + split + "-images-idx3-ubyte.gz", base + split + "-labels-idx1-ubyte.gz", FASHION_MEAN, FASHION_STD);
  }

  /**
   * Images and labels from two IDX files (unsigned bytes: images [N, ...], labels [N]), each pixel read as
   * {@code (pixel/255 - mean)/std}. Each file is one unsplittable record, read by one task.
   */
  public static JavaPairRDD<Long, Example> idx(JavaSparkContext sc, String images, String labels, float mean, float std) {
    JavaRDD<byte[]> pixels = sc.binaryFiles(images, 1).flatMap(f -> rows(f._1, f._2, true).iterator());
    JavaRDD<byte[]> classes = sc.binaryFiles(labels, 1).flatMap(f -> rows(f._1, f._2, false).iterator());
    if (pixels.getNumPartitions() != 1 || classes.getNumPartitions() != 1) {
      throw new IllegalArgumentException("idx: " + images + " and " + labels + " must each name one file");
    }
    // one partition each, in file order: zip pairs image i with label i
    return pixels.zip(classes)
        .map(t -> Example.ofPixels(t._1, mean, std, t._2[0] & 0xff))
        .zipWithIndex()
        .mapToPair(t -> new Tuple2<>(t._2, t._1));
  }

  /** The rows of one IDX file: each image's bytes, or each label as a one-byte array. */
  private static List<byte[]> rows(String path, PortableDataStream stream, boolean images) throws IOException {
    byte[] raw = stream.toArray();
    InputStream in = new ByteArrayInputStream(raw);
    if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) in = new GZIPInputStream(in, 1 << 16);
    try (DataInputStream data = new DataInputStream(in)) {
      int magic = data.readInt();
      int type = (magic >>> 8) & 0xff, rank = magic & 0xff;
      if ((magic >>> 16) != 0 || type != 0x08 || rank < 1 || rank > 4) {
        throw new IOException(path + ": not an unsigned-byte IDX file (magic number 0x" + Integer.toHexString(magic) + ")");
      }
      int[] shape = new int[rank];
      long size = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = data.readInt();
        if (shape[d] < 0) throw new IOException(path + ": negative dimension in the header " + Arrays.toString(shape));
        if (d > 0) size *= shape[d];
      }
      if (images == (rank == 1)) {
        throw new IOException(path + ": " + (images ? "images need a rank of 2 or more" : "labels need rank 1") + ", the header says "
            + Arrays.toString(shape));
      }
      List<byte[]> out = new ArrayList<>(shape[0]);
      for (int i = 0; i < shape[0]; i++) {
        byte[] row = new byte[(int) size];
        try {
          data.readFully(row);
        } catch (java.io.EOFException e) {
          throw new IOException(path + ": truncated: the header declares " + shape[0] + " rows but only " + i + " are present");
        }
        out.add(row);
      }
      return out;
    }
  }

  /**
   * A numeric CSV file or directory of part files (one example per line; the label in column
   * {@code labelColumn}, 0-based, -1 for the last; blank lines skipped; with {@code header}, the first line of
   * the first file is the header), split by Spark over its blocks. Errors name the path and the line.
   */
  public static JavaPairRDD<Long, Example> csv(JavaSparkContext sc, String path, boolean header, int labelColumn) {
    JavaPairRDD<String, Long> lines = sc.textFile(path).zipWithIndex();
    return lines
        .filter(t -> !(header && t._2 == 0) && !t._1.isBlank())
        .map(t -> parseCsvLine(path, t._2 + 1, t._1, labelColumn))
        .zipWithIndex()
        .mapToPair(t -> new Tuple2<>(t._2, t._1));
  }

  static Example parseCsvLine(String path, long line, String text, int labelColumn) {
    String[] fields = text.split(",", -1);
    int label = labelColumn < 0 ? fields.length + labelColumn : labelColumn;
    if (fields.length < 2 || label < 0 || label >= fields.length) {
      throw new IllegalArgumentException(path + ":" + line + ": " + fields.length + " fields, no label column " + labelColumn
          + " among them (a CSV needs a label column and at least one feature column)");
    }
    float[] features = new float[fields.length - 1];
    float target = 0;
    for (int c = 0, f = 0; c < fields.length; c++) {
      String s = fields[c].strip();
      if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) s = s.substring(1, s.length() - 1).strip();
      if (!NUMBER.matcher(s).matches()) {
        throw new IllegalArgumentException(path + ":" + line + ", column " + (c + 1) + ": '" + s + "' is not a number"
            + (line == 1 ? " (if the first line is a header, read with header = true)" : ""));
      }
      float v = Float.parseFloat(s);
      if (c == label) target = v;
      else features[f++] = v;
    }
    return Example.of(features, target);
  }

  /** Brings a (small) dataset to the driver as a single-machine {@code TensorDataset}, in index order. */
  public static dev.backflow.data.TensorDataset collect(JavaPairRDD<Long, Example> examples) {
    List<Tuple2<Long, Example>> rows = examples.sortByKey().collect();
    if (rows.isEmpty()) throw new IllegalArgumentException("collect: the dataset is empty");
    Example first = rows.get(0)._2;
    int d = first.size(), t = first.targetSize(), n = rows.size();
    float[] x = new float[n * d], y = new float[n * t];
    for (int i = 0; i < n; i++) {
      Example e = rows.get(i)._2;
      if (e.size() != d || e.targetSize() != t) throw new IllegalArgumentException("collect: example " + rows.get(i)._1 + " has another shape");
      e.copyFeaturesTo(x, i * d);
      e.copyTargetTo(y, i * t);
    }
    dev.backflow.tensor.Tensor targets = t == 1 ? dev.backflow.tensor.Tensor.of(y, n) : dev.backflow.tensor.Tensor.of(y, n, t);
    return new dev.backflow.data.TensorDataset(dev.backflow.tensor.Tensor.of(x, n, d), targets);
  }
}
