package dev.backflow.web.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.backflow.web.setup.BadRequest;

/**
 * The server's one JSON configuration. Request bodies are read as trees and checked field by field, so a
 * malformed body is a clear 400 rather than a stack trace. NaN and infinities are written as the strings
 * "NaN" and "Infinity" (Jackson's default), which JSON.parse accepts and the page prints as they are.
 */
public final class JsonMapping {
  private JsonMapping() {}

  public static ObjectMapper create() {
    return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** The body as a JSON tree; an empty body is an empty object. */
  public static JsonNode read(ObjectMapper mapper, String body) {
    if (body == null || body.isBlank()) return JsonNodeFactory.instance.objectNode();
    try {
      JsonNode n = mapper.readTree(body);
      return n == null ? JsonNodeFactory.instance.objectNode() : n;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      String reason = e.getOriginalMessage();
      if (reason != null && reason.length() > 160) reason = reason.substring(0, 160) + "...";
      throw new BadRequest("the request body is not valid JSON (" + reason + ")");
    }
  }

  /** A field that must be an object (or absent). */
  public static JsonNode object(JsonNode body, String field) {
    if (!body.isObject()) throw new BadRequest("the request body must be a JSON object, got " + body.getNodeType());
    JsonNode n = body.get(field);
    if (n != null && !n.isObject() && !n.isNull()) throw new BadRequest("'" + field + "' must be a JSON object");
    return n;
  }
}
