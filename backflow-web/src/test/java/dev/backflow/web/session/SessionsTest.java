package dev.backflow.web.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.web.server.JsonMapping;
import dev.backflow.web.setup.Setup;
import dev.backflow.web.setup.SetupParser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each tab has its own session: they train at once without touching each other, within a cap, and idle ones end. */
class SessionsTest {
  static final ObjectMapper JSON = JsonMapping.create();

  static Setup setup(String json) throws Exception {
    return SetupParser.parse(JSON.readTree(json));
  }

  /** Collects the JSON a session streams, as a page's EventSource would receive it. */
  static final class RecordingSink implements EventSink {
    final List<JsonNode> states = new CopyOnWriteArrayList<>();

    @Override
    public boolean send(String event, String json) {
      try {
        states.add(JSON.readTree(json));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return true;
    }

    JsonNode last() {
      return states.get(states.size() - 1);
    }
  }

  static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
      Thread.sleep(10);
    }
  }

  @Test
  void twoSessionsTrainAtOnceWithoutSharingAnything() throws Exception {
    try (SessionRegistry registry = new SessionRegistry(4, Duration.ofMinutes(5), JSON)) {
      Session a = registry.create(setup("{\"dataset\":\"xor4\",\"layers\":\"4\",\"lr\":\"0.5\"}"));
      Session b = registry.create(setup("{\"dataset\":\"spirals\",\"layers\":\"8,8\",\"batch\":\"20\"}"));
      RecordingSink sa = new RecordingSink(), sb = new RecordingSink();
      a.attach(sa);
      b.attach(sb);
      a.start(5, false);
      b.start(2, false);
      waitFor(() -> a.run().steps() > 50 && b.run().steps() > 20, "both sessions have trained");
      a.pause();
      b.pause();
      assertNotEquals(a.id(), b.id());
      assertTrue(sa.states.stream().allMatch(s -> s.get("weights").size() == 2), "a's stream only carries a's 2-layer network");
      assertTrue(sb.states.stream().allMatch(s -> s.get("weights").size() == 3), "b's stream only carries b's 3-layer network");
      long stepsA = a.run().steps();
      Thread.sleep(100);
      assertEquals(stepsA, a.run().steps(), "paused means paused");
    }
  }

  @Test
  void aStepIsStreamedWithTheRequestsSequenceNumber() throws Exception {
    try (SessionRegistry registry = new SessionRegistry(2, Duration.ofMinutes(5), JSON)) {
      Session s = registry.create(setup("{}"));
      RecordingSink sink = new RecordingSink();
      s.attach(sink);
      s.step(41L);
      JsonNode state = sink.last();
      assertEquals(41, state.get("seq").asLong());
      assertEquals(1, state.get("step").asLong());
      assertEquals(50 * 50, state.get("output").get("values").size());
      assertEquals(4, state.get("neurons").get(0).size(), "one heatmap per neuron of the first hidden layer");
    }
  }

  @Test
  void theCapRefusesOneSessionTooMany() throws Exception {
    try (SessionRegistry registry = new SessionRegistry(2, Duration.ofMinutes(5), JSON)) {
      registry.create(setup("{}"));
      registry.create(setup("{}"));
      TooManySessions e = assertThrows(TooManySessions.class, () -> registry.create(setup("{}")));
      assertTrue(e.getMessage().startsWith("the server already has 2 open sessions, its limit"), e.getMessage());
    }
  }

  @Test
  void idleUnwatchedSessionsEndAndFreeTheirPlace() throws Exception {
    AtomicLong now = new AtomicLong();
    try (SessionRegistry registry = new SessionRegistry(2, Duration.ofMinutes(10), JSON, now::get)) {
      Session idle = registry.create(setup("{}"));
      Session watched = registry.create(setup("{}"));
      watched.attach(new RecordingSink());
      now.addAndGet(Duration.ofMinutes(11).toNanos());
      Session fresh = registry.create(setup("{}")); // makes room by ending the idle one
      assertEquals(2, registry.size());
      assertThrows(SessionNotFound.class, () -> registry.get(idle.id()));
      assertEquals(watched, registry.get(watched.id()), "a session a page is streaming from is never idle");
      assertEquals(fresh, registry.get(fresh.id()));
      now.addAndGet(Duration.ofMinutes(5).toNanos());
      assertEquals(0, registry.endIdle(), "5 minutes is not idle yet");
    }
  }

  @Test
  void aRunningSessionStopsWhenNobodyWatches() throws Exception {
    try (SessionRegistry registry = new SessionRegistry(2, Duration.ofMinutes(5), JSON)) {
      Session s = registry.create(setup("{}"));
      RecordingSink sink = new RecordingSink();
      s.attach(sink);
      s.start(1, false);
      waitFor(() -> s.run().steps() > 3, "it has trained a little");
      s.detach(sink);
      waitFor(() -> !s.isRunning(), "the closed tab's training stopped");
    }
  }

  @Test
  void runningStopsByItselfAtFullTrainingAccuracy() throws Exception {
    try (SessionRegistry registry = new SessionRegistry(2, Duration.ofMinutes(5), JSON)) {
      Session s = registry.create(setup("{\"dataset\":\"xor4\",\"layers\":\"4\",\"act\":\"tanh\",\"lr\":\"0.5\",\"batch\":\"4\"}"));
      RecordingSink sink = new RecordingSink();
      s.attach(sink);
      s.start(100, true);
      // The final snapshot is published just after the run stops: wait for it, not only for the flag.
      waitFor(() -> !s.isRunning() && !sink.states.isEmpty() && !sink.last().get("running").asBoolean(),
          "training stopped and its last state arrived");
      JsonNode last = sink.last();
      assertFalse(last.get("running").asBoolean());
      assertTrue(last.get("stopReason").asText().startsWith("reached 100% training accuracy at step"), last.get("stopReason").asText());
      assertEquals(1.0, last.get("metrics").get("trainAccuracy").asDouble());
      assertTrue(last.get("step").asLong() <= 2000);
    }
  }

  @Test
  void changingOnlyTheLearningRateKeepsTheWeights() throws Exception {
    try (SessionRegistry registry = new SessionRegistry(2, Duration.ofMinutes(5), JSON)) {
      Session s = registry.create(setup("{\"dataset\":\"moons\"}"));
      s.step(null);
      float w = s.run().network().layers().get(0).weight.get(0, 0);
      assertFalse(s.apply(setup("{\"dataset\":\"moons\",\"lr\":\"0.5\",\"opt\":\"adam\"}")));
      assertEquals(w, s.run().network().layers().get(0).weight.get(0, 0));
      assertEquals(1, s.run().steps());
      assertTrue(s.apply(setup("{\"dataset\":\"moons\",\"layers\":\"3\"}")), "a new architecture rebuilds");
      assertEquals(0, s.run().steps());
    }
  }

  @Test
  void aSessionIsReleasedSecondsAfterItsPagesStreamGoes() throws Exception {
    AtomicLong now = new AtomicLong();
    try (SessionRegistry registry = new SessionRegistry(4, Duration.ofMinutes(10), JSON, now::get)) {
      Session page = registry.create(setup("{}"));
      Session apiClient = registry.create(setup("{}"));
      RecordingSink sink = new RecordingSink();
      page.attach(sink);
      now.addAndGet(Duration.ofMinutes(1).toNanos());
      assertEquals(0, registry.endIdle(), "a page that still streams keeps its session");
      page.detach(sink); // the tab closed: its stream dropped
      now.addAndGet(Duration.ofSeconds(5).toNanos());
      assertEquals(0, registry.endIdle(), "an EventSource gets a few seconds to reconnect");
      now.addAndGet(Duration.ofSeconds(6).toNanos());
      assertEquals(1, registry.endIdle());
      assertThrows(SessionNotFound.class, () -> registry.get(page.id()));
      assertEquals(apiClient, registry.get(apiClient.id()), "a session never streamed from waits for the idle timeout");
    }
  }

  @Test
  void aPingThatFailsDropsTheStream() throws Exception {
    try (SessionRegistry registry = new SessionRegistry(2, Duration.ofMinutes(10), JSON)) {
      Session s = registry.create(setup("{}"));
      s.attach(new EventSink() {
        @Override
        public boolean send(String event, String json) {
          return true;
        }

        @Override
        public boolean ping() {
          return false; // the page has gone
        }
      });
      assertTrue(s.watched());
      s.ping();
      assertFalse(s.watched());
    }
  }

  @Test
  void theCapCountsPagesStillOpenNotHistory() throws Exception {
    AtomicLong now = new AtomicLong();
    try (SessionRegistry registry = new SessionRegistry(2, Duration.ofMinutes(10), JSON, now::get)) {
      Session open = registry.create(setup("{}"));
      open.attach(new RecordingSink());
      Session gone = registry.create(setup("{}")); // a page that never opened its stream, or an idle API client
      assertThrows(TooManySessions.class, () -> registry.create(setup("{}")), "one just created may still be opening its stream");
      now.addAndGet(Duration.ofSeconds(6).toNanos());
      Session fresh = registry.create(setup("{}"));
      assertThrows(SessionNotFound.class, () -> registry.get(gone.id()));
      assertEquals(open, registry.get(open.id()));
      assertEquals(fresh, registry.get(fresh.id()));
    }
  }
}
