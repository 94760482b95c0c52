package dev.backflow.web.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the page's JSON API with random and mutated bodies: every answer must be a 2xx or a 4xx with a
 * JSON message, promptly, never a 5xx or a hang. CI runs 150 tries (junit-platform.properties); a longer
 * run: mvn -pl backflow-web test -Dtest=ApiFuzzTest -Djqwik.tries.default=5000.
 */
class ApiFuzzTest {
  static WebServer server;
  static ApiClient api;

  @BeforeContainer
  static void start() {
    server = WebServer.start(new ServerSettings("127.0.0.1", 0, 4, Duration.ofMinutes(5)));
    api = new ApiClient(server);
  }

  @AfterContainer
  static void stop() {
    server.close();
  }

  private static final List<String> VALID = List.of(
      "{\"setup\":{\"dataset\":\"xor\",\"layers\":[4,4],\"act\":[\"tanh\",\"tanh\"],\"lr\":0.03,\"batch\":10}}",
      "{\"expression\":\"sigmoid(w*x + b)\",\"values\":{\"w\":0.5,\"x\":2,\"b\":0.1}}",
      "{\"kind\":\"vanishing\",\"steps\":5}",
      "{\"steps\":3}",
      "{\"learningRate\":0.1}",
      "{\"problem\":\"slow-convergence\",\"seed\":0}",
      "{\"parameters\":96}");

  private static final List<String> PATHS = List.of("/api/sessions", "/api/graph", "/api/health", "/api/cost",
      "/api/sessions/%s/step", "/api/sessions/%s/run", "/api/sessions/%s/trace", "/api/sessions/%s/reset",
      "/api/sessions/%s/pause");

  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> mutated = Combinators.combine(Arbitraries.of(VALID), Arbitraries.integers().between(0, 200),
        Arbitraries.strings().withChars("{}[]\":,-.0123456789eEtruefalsn \\u").ofMaxLength(12))
        .as((v, at, insert) -> {
          int i = Math.min(at, v.length());
          return v.substring(0, i) + insert + v.substring(Math.min(v.length(), i + insert.length() / 2));
        });
    Arbitrary<String> numbersSwapped = Combinators.combine(Arbitraries.of(VALID),
        Arbitraries.of("-1", "0", "1e309", "-1e309", "NaN", "1e9", "99999999999", "null", "\"x\"", "[]", "{}", "-0.0", "1.5"))
        .as((v, n) -> v.replaceAll("(?<=:)-?[0-9.]+", n));
    Arbitrary<String> random = Arbitraries.strings().ofMaxLength(64);
    return Arbitraries.oneOf(mutated, numbersSwapped, random);
  }

  @Property
  void everyRequestGetsAPromptClientOrSuccessAnswer(@ForAll("bodies") String body,
      @ForAll("paths") String pathTemplate) throws Exception {
    String path = pathTemplate.contains("%s") ? String.format(pathTemplate, session()) : pathTemplate;
    long start = System.nanoTime();
    ApiClient.Answer a = api.post(path, body);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(a.status() < 500, path + " answered " + a.status() + " to " + body + ": " + a.body());
    assertTrue(a.status() < 300 || (a.json() != null && a.json().has("error")),
        path + " gave " + a.status() + " without a JSON error message for " + body + ": " + a.body());
    assertTrue(ms < 10_000, path + " took " + ms + " ms for " + body);
    if (path.equals("/api/sessions") && a.status() == 201) {
      api.post("/api/sessions/" + a.json().get("id").asText() + "/close", "{}"); // stay under the session cap
    }
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of(PATHS);
  }

  private static String sessionId;

  private static String session() throws Exception {
    if (sessionId == null || api.get("/api/sessions/" + sessionId).status() != 200) {
      sessionId = api.newSession("{\"dataset\":\"xor\",\"layers\":[3],\"act\":[\"tanh\"]}");
    }
    return sessionId;
  }
}
