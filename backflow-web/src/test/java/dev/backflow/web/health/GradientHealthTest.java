package dev.backflow.web.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.diagnostics.Demonstrations;
import dev.backflow.diagnostics.Finding;
import dev.backflow.web.setup.BadRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health view shows what the diagnostics package's demonstrations and monitor found, and nothing of its own. */
class GradientHealthTest {

  @Test
  void theViewCarriesTheMonitorsFindingsAndFiguresForEveryRun() {
    Demonstrations.Demonstration d = Demonstrations.slowConvergence(0);
    HealthReport report = GradientHealth.of(d, 0);
    assertEquals("slow-convergence", report.problem());
    assertEquals(3, report.runs().size());
    for (int i = 0; i < 3; i++) {
      Demonstrations.Run run = d.runs().get(i);
      HealthReport.Run shown = report.runs().get(i);
      assertEquals(run.label(), shown.label());
      assertEquals(i == 0, shown.failing());
      assertEquals(run.monitor().findings().stream().map(f -> f.kind().name()).toList(),
          shown.findings().stream().map(HealthReport.Diagnosis::kind).toList());
      assertEquals(run.monitor().report(), shown.report());
      assertEquals(run.monitor().layers().size(), shown.layers().size());
      for (HealthReport.Layer l : shown.layers()) assertEquals(shown.steps().size(), l.gradNorms().size());
    }
    assertEquals(List.of(Finding.Kind.LEARNING_RATE_TOO_LOW.name()),
        report.runs().get(0).findings().stream().map(HealthReport.Diagnosis::kind).toList());
    assertTrue(report.runs().get(1).findings().isEmpty() && report.runs().get(2).findings().isEmpty());
  }

  @Test
  void aRunThatOverflowedIsSentWithNullsWhereItsNumbersStoppedBeingFinite() throws Exception {
    HealthReport report = GradientHealth.run(new HealthRequest("exploding", 0));
    HealthReport.Run failing = report.runs().get(0);
    assertTrue(failing.outcome().startsWith("stopped, training loss became NaN"), failing.outcome());
    assertTrue(failing.findings().stream().anyMatch(f -> f.kind().equals("EXPLODING_GRADIENTS")), failing.findings()::toString);
    String json = new ObjectMapper().writeValueAsString(report);
    assertTrue(!json.contains("NaN") || json.contains("became NaN"), "non-finite numbers are sent as null");
    assertSame(report, GradientHealth.run(new HealthRequest("exploding", 0)), "the same request is answered from the cache");
  }

  @Test
  void requestsNameAProblemOfTheDoctorAndASeed() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertEquals(new HealthRequest("vanishing", 0), HealthRequest.parse(json.readTree("{}")));
    assertEquals(new HealthRequest("dying-relu", 7), HealthRequest.parse(json.readTree("{\"problem\":\"dying-relu\",\"seed\":7}")));
    BadRequest e = assertThrows(BadRequest.class, () -> HealthRequest.parse(json.readTree("{\"problem\":\"overfitting\"}")));
    assertTrue(e.getMessage().contains("vanishing, exploding, dying-relu, slow-convergence"), e.getMessage());
    assertThrows(BadRequest.class, () -> HealthRequest.parse(json.readTree("{\"seed\":-1}")));
  }
}
