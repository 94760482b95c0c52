package dev.backflow.web.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for the API tests: status and parsed JSON of each answer. */
public final class ApiClient {
  public record Answer(int status, JsonNode json, String body) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final ObjectMapper json = new ObjectMapper();

  public ApiClient(WebServer server) {
    this.base = "http://127.0.0.1:" + server.port();
  }

  public Answer get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Answer post(String path, String body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Answer put(String path, String body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode parsed = null;
    try {
      parsed = r.body().isEmpty() ? null : json.readTree(r.body());
    } catch (IOException e) {
      // not JSON: the test asserting on it will say so
    }
    return new Answer(r.statusCode(), parsed, r.body());
  }

  public String base() {
    return base;
  }

  /** Opens a session with the given set-up JSON and returns its id. */
  public String newSession(String setup) throws IOException, InterruptedException {
    Answer a = post("/api/sessions", "{\"setup\":" + setup + "}");
    if (a.status() != 201) throw new AssertionError("creating a session failed: " + a.body());
    return a.json().get("id").asText();
  }
}
