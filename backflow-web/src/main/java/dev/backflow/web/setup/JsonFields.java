package dev.backflow.web.setup;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Numbers from request JSON, validated with messages in the user's terms: a number or a numeric string,
 * finite, within bounds, whole where it must be. Shared by every request parser of the page.
 */
public final class JsonFields {
  private JsonFields() {}

  public static double decimal(JsonNode json, String key, double fallback, String what, double min, double max) {
    if (!json.has(key)) return fallback;
    JsonNode n = json.get(key);
    double v;
    if (n.isNumber()) {
      v = n.asDouble();
    } else if (n.isTextual()) {
      try {
        v = Double.parseDouble(n.asText().trim());
      } catch (NumberFormatException e) {
        throw new BadRequest(what + " '" + n.asText() + "' is not a number");
      }
    } else {
      throw new BadRequest(what + " must be a number, got " + n.getNodeType());
    }
    if (!Double.isFinite(v)) throw new BadRequest(what + " must be a finite number, got " + n.asText());
    if (!(v >= min && v <= max)) {
      throw new BadRequest(what + " must be between " + plain(min) + " and " + plain(max) + ", got " + plain(v));
    }
    return v;
  }

  public static int integer(JsonNode json, String key, int fallback, String what, int min, int max) {
    if (!json.has(key)) return fallback;
    double v = decimal(json, key, fallback, what, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    if (v != Math.rint(v)) throw new BadRequest(what + " must be a whole number, got " + plain(v));
    if (v < min || v > max) throw new BadRequest(what + " must be between " + min + " and " + max + ", got " + plain(v));
    return (int) v;
  }

  static String plain(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) return String.valueOf(v);
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }}
