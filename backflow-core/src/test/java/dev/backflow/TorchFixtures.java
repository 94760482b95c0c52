package dev.backflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading the PyTorch fixtures of {@code src/test/resources/fixtures} (written by the scripts in
 * {@code tools/}) and comparing Backflow tensors with them. A fixture tensor is {shape, values} with the
 * values flattened row-major, each the shortest decimal of a float32, so double-then-float recovers
 * PyTorch's bits exactly.
 */
public final class TorchFixtures {
  private TorchFixtures() {}

  /** The parsed JSON of a test resource; fails with the command that regenerates it when missing. */
  public static JsonNode load(String resource, String generator) {
    try (InputStream in = TorchFixtures.class.getResourceAsStream(resource)) {
      assertNotNull(in, "missing test resource " + resource + "; run /usr/bin/python3 " + generator);
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Tensor tensor(JsonNode t) {
    return Tensor.of(floats(t.get("values")), ints(t.get("shape")));
  }

  /** {name: tensor} as an ordered map of Backflow tensors. */
  public static Map<String, Tensor> tensors(JsonNode named) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    named.fields().forEachRemaining(e -> out.put(e.getKey(), tensor(e.getValue())));
    return out;
  }

  public static float[] floats(JsonNode n) {
    float[] r = new float[n.size()];
    for (int k = 0; k < r.length; k++) r[k] = (float) n.get(k).asDouble();
    return r;
  }

  public static int[] ints(JsonNode n) {
    int[] r = new int[n.size()];
    for (int k = 0; k < r.length; k++) r[k] = n.get(k).asInt();
    return r;
  }

  /**
   * Every element within |actual - expected| &lt;= rtol |expected| + atol, shapes equal; the failure names
   * the worst element.
   */
  public static void assertClose(String what, JsonNode expected, Tensor actual, double rtol, double atol) {
    assertNotNull(actual, what + ": Backflow has no value (null)");
    int[] shape = ints(expected.get("shape"));
    assertArrayEquals(shape, actual.shape(), what + ": shape " + Arrays.toString(actual.shape()) + " but PyTorch has "
        + Arrays.toString(shape));
    float[] want = floats(expected.get("values"));
    float[] got = actual.toArray();
    assertEquals(want.length, got.length, what + ": element count");
    int bad = 0, worst = -1;
    double worstExcess = 0;
    for (int k = 0; k < want.length; k++) {
      double err = Math.abs((double) got[k] - want[k]);
      double allowed = rtol * Math.abs(want[k]) + atol;
      if (!(err <= allowed)) {
        bad++;
        double excess = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / allowed;
        if (worst < 0 || excess > worstExcess) {
          worst = k;
          worstExcess = excess;
        }
      }
    }
    if (bad > 0) {
      fail(what + ": " + bad + " of " + want.length + " values differ from PyTorch beyond rtol " + rtol + ", atol "
          + atol + "; worst at flat index " + worst + ": Backflow " + got[worst] + ", PyTorch " + want[worst]
          + " (|diff| " + Math.abs((double) got[worst] - want[worst]) + ")");
    }
  }

  /** A scalar within |actual - expected| &lt;= rtol |expected| + atol. */
  public static void assertClose(String what, double expected, double actual, double rtol, double atol) {
    double err = Math.abs(actual - expected);
    if (!(err <= rtol * Math.abs(expected) + atol)) {
      fail(what + ": Backflow " + actual + ", PyTorch " + expected + " (|diff| " + err + ", rtol " + rtol + ", atol "
          + atol + ")");
    }
  }
}
