package dev.backflow.web.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page's checks answer 200 with ok/error (so a typo is not a failed request in the browser), saying
 * exactly what the real request would refuse; the export is a safetensors file, refused by name where
 * `backflow eval` could not rebuild the network.
 */
class CheckAndExportEndpointsTest {
  static WebServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = WebServer.start(new ServerSettings("127.0.0.1", 0, 4, Duration.ofMinutes(5)));
    api = new ApiClient(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void checksAnswerWhatTheRealRequestWouldRefuseWithStatus200() throws Exception {
    ApiClient.Answer bad = api.post("/api/check/setup", "{\"setup\":{\"lr\":\"-1\"}}");
    assertEquals(200, bad.status());
    assertEquals(false, bad.json().get("ok").asBoolean());
    ApiClient.Answer real = api.post("/api/sessions", "{\"setup\":{\"lr\":\"-1\"}}");
    assertEquals(400, real.status());
    assertEquals(real.json().get("error").asText(), bad.json().get("error").asText());
    assertTrue(api.post("/api/check/setup", "{\"setup\":{\"dataset\":\"moons\"}}").json().get("ok").asBoolean());

    ApiClient.Answer graph = api.post("/api/check/graph", "{\"expression\":\"sigmoid(w*x +\",\"values\":\"w=1, x=2\"}");
    assertEquals(200, graph.status());
    assertTrue(graph.json().get("error").asText().contains("ends too soon"), graph.body());
    assertTrue(api.post("/api/check/graph", "{\"expression\":\"1/x\",\"values\":\"x=0\"}").json().get("ok").asBoolean(),
        "infinity is an answer, not an error");
    assertEquals(200, api.post("/api/check/health", "{}").status());
    ApiClient.Answer malformed = api.post("/api/check/setup", "not json");
    assertEquals(200, malformed.status());
    assertTrue(malformed.json().get("error").asText().startsWith("the request body is not valid JSON"), malformed.body());
  }

  @Test
  void theExportIsASafetensorsFileOrARefusalByName() throws Exception {
    String id = api.newSession("{\"dataset\":\"spirals\",\"layers\":\"4,4\",\"act\":\"relu\"}");
    HttpResponse<byte[]> file = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(api.base() + "/api/sessions/" + id + "/export")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, file.statusCode());
    assertTrue(file.headers().firstValue("Content-Disposition").orElse("").contains("backflow-spirals.safetensors"));
    long headerLength = java.nio.ByteBuffer.wrap(file.body(), 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(file.body(), 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(header.contains("\"4.weight\"") && header.contains("\"model\":\"toy\""), header);

    String blobs = api.newSession("{\"dataset\":\"blobs\"}");
    ApiClient.Answer refused = api.get("/api/sessions/" + blobs + "/export");
    assertEquals(400, refused.status());
    assertTrue(refused.json().get("error").asText().contains("this is blobs"), refused.body());
  }
}
