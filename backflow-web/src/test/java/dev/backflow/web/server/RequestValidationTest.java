package dev.backflow.web.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whatever a request gets wrong comes back at once as a 4xx with a JSON message in the user's terms, never a hang or a 500. */
class RequestValidationTest {
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

  static void assertError(ApiClient.Answer a, int status, String messagePart) {
    assertEquals(status, a.status(), a.body());
    assertNotNull(a.json(), "errors are JSON: " + a.body());
    assertEquals(status, a.json().get("status").asInt());
    assertTrue(a.json().get("error").asText().contains(messagePart), a.json().get("error").asText());
  }

  @Test
  void aTenThousandNeuronLayerIsRefusedAtOnce() throws Exception {
    long start = System.nanoTime();
    assertError(api.post("/api/sessions", "{\"setup\":{\"layers\":\"10000\"}}"), 400,
        "hidden layer 1 has 10000 neurons; each hidden layer may have 1 to 16");
    assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused without building anything");
  }

  @Test
  void aNegativeLearningRateIsRefused() throws Exception {
    assertError(api.post("/api/sessions", "{\"setup\":{\"lr\":-0.1}}"), 400, "learning rate must be more than 0");
    String id = api.newSession("{}");
    assertError(api.put("/api/sessions/" + id + "/setup", "{\"setup\":{\"lr\":\"-1\"}}"), 400, "learning rate");
  }

  @Test
  void garbageJsonIsRefused() throws Exception {
    assertError(api.post("/api/sessions", "{garbage"), 400, "the request body is not valid JSON");
    assertError(api.post("/api/sessions", "{} trailing"), 400, "not valid JSON");
    assertError(api.post("/api/sessions", "[1, 2]"), 400, "must be a JSON object");
    assertError(api.post("/api/sessions", "{\"setup\": 7}"), 400, "'setup' must be a JSON object");
    assertError(api.post("/api/graph", "{\"expression\": 7}"), 400, "give the expression as text");
  }

  @Test
  void bodiesMustBeDeclaredJson() throws Exception {
    var request = HttpRequest.newBuilder(URI.create(api.base() + "/api/sessions")).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{}"));
    assertError(api.send(request), 415, "Content-Type: application/json");
  }

  @Test
  void hugeBodiesAreRefused() throws Exception {
    assertError(api.post("/api/graph", "{\"expression\":\"" + "x+".repeat(50_000) + "x\"}"), 413, "larger than 64 KB");
  }

  @Test
  void unknownSessionsAndRoutesAre404() throws Exception {
    assertError(api.post("/api/sessions/nope/step", "{}"), 404, "session 'nope' does not exist");
    assertError(api.get("/api/sessions/nope"), 404, "reload the page");
    assertError(api.get("/api/nothing-here"), 404, "");
  }

  @Test
  void commandParametersAreChecked() throws Exception {
    String id = api.newSession("{\"dataset\":\"xor4\"}");
    assertError(api.post("/api/sessions/" + id + "/run", "{\"speed\": 100000}"), 400, "speed must be between 1 and 500");
    assertError(api.post("/api/sessions/" + id + "/trace", "{\"example\": 9}"), 400, "example 9 does not exist");
    assertError(api.post("/api/sessions/" + id + "/trace", "{\"example\": \"one\"}"), 400, "example must be a whole number");
    assertError(api.get("/api/sessions/" + id + "/neuron?layer=7&neuron=0&example=0"), 400, "layer must be 1 to");
    assertError(api.post("/api/health", "{\"problem\": \"overfitting\"}"), 400,
        "problem must be one of vanishing, exploding, dying-relu, slow-convergence");
    assertError(api.post("/api/health", "{\"depth\": 8}"), 400, "unknown setting 'depth'");
    assertError(api.post("/api/graph", "{\"expression\":\"sigmoid(w*x\",\"values\":\"w=1,x=2\"}"), 400, "expected ')'");
  }

  @Test
  void otherHostsAreTurnedAwayWhenServingLoopback() throws Exception {
    // What a DNS-rebinding page would send: a foreign Host header reaching 127.0.0.1. (Java's HttpClient
    // will not set Host, so this speaks HTTP over a socket.)
    try (var socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET /api/limits HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
      assertTrue(answer.contains("only answers pages loaded from 127.0.0.1 or localhost"), answer);
    }
    assertEquals(200, api.get("/api/limits").status());
  }

  @Test
  void theServerStillAnswersAfterAllThat() throws Exception {
    String id = api.newSession("{\"dataset\":\"circles\",\"layers\":\"8,8,8,8,8,8,8,8\"}");
    ApiClient.Answer trace = api.post("/api/sessions/" + id + "/trace", "{}");
    assertEquals(200, trace.status(), trace.body());
    assertEquals(9, trace.json().get("layers").size());
  }
}
