package dev.backflow.web.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.web.setup.SetupParser;
import org.junit.jupiter.api.Test;

class TrainingRunTest {
  static TrainingRun run(String json) throws Exception {
    return new TrainingRun(SetupParser.parse(new ObjectMapper().readTree(json)));
  }

  @Test
  void theSameSetupGivesTheSameDataAndInitialWeights() throws Exception {
    String setup = "{\"dataset\":\"spirals\",\"noise\":\"0.1\",\"layers\":\"5,3\",\"init\":\"he\",\"act\":\"relu\",\"seed\":\"9\"}";
    TrainingRun a = run(setup), b = run(setup);
    assertArrayEquals(a.data().trainX.toArray(), b.data().trainX.toArray());
    for (int i = 0; i < a.network().parameters().size(); i++) {
      assertArrayEquals(a.network().parameters().get(i).toArray(), b.network().parameters().get(i).toArray());
    }
    for (int i = 0; i < 20; i++) assertEquals(a.step(), b.step());
  }

  @Test
  void splitsIntoTrainingAndTestSets() throws Exception {
    TrainingRun r = run("{\"dataset\":\"circles\",\"points\":\"200\",\"train\":\"60\"}");
    assertEquals(120, r.data().trainSize());
    assertEquals(80, r.data().testSize());
  }

  @Test
  void everyDatasetTrainsAndStreams() throws Exception {
    for (String d : new String[] {"xor4", "xor", "circles", "spirals", "blobs", "moons", "regression"}) {
      TrainingRun r = run("{\"dataset\":\"" + d + "\",\"loss\":\"squared\",\"layers\":\"4\"}");
      double first = r.evaluate().trainLoss();
      for (int i = 0; i < 300; i++) r.step();
      assertTrue(r.evaluate().trainLoss() < first, d + " loss went down");
      Snapshot s = r.snapshot(false, null, null);
      assertEquals(d.equals("regression"), s.metrics().trainAccuracy() == null, d);
    }
  }

  @Test
  void xorTruthTableReachesFullAccuracyWithin2000Steps() throws Exception {
    TrainingRun r = run("{\"dataset\":\"xor4\",\"layers\":\"2\",\"act\":\"sigmoid\",\"loss\":\"squared\",\"lr\":\"5\",\"batch\":\"4\",\"seed\":\"0\"}");
    int steps = 0;
    while (r.trainAccuracy() < 1 && steps < 2000) {
      r.step();
      steps++;
    }
    assertEquals(1.0, r.trainAccuracy(), "the stepper's XOR 2-2-1 preset learns XOR; took " + steps);
  }

  @Test
  void aRunawayLearningRateIsCaughtAsDivergence() throws Exception {
    TrainingRun r = run("{\"dataset\":\"regression\",\"layers\":\"8,8,8\",\"act\":\"relu\",\"init\":\"he\",\"lr\":\"10\",\"opt\":\"momentum\"}");
    for (int i = 0; i < 200 && !r.diverged(); i++) r.step();
    assertTrue(r.diverged());
    assertTrue(Double.isNaN(r.step()), "a diverged run takes no more steps");
    assertFalse(r.snapshot(false, null, null).metrics().trainLoss() < 1e30);
  }

  @Test
  void theEpochCountsCompletedPassesOverTheTrainingSet() throws Exception {
    TrainingRun xor = run("{\"dataset\":\"xor4\",\"layers\":\"2\",\"batch\":\"10\"}"); // 4 rows: a batch is all of them
    assertEquals(0, xor.snapshot(false, null, null).epoch());
    xor.step();
    assertEquals(1, xor.snapshot(false, null, null).epoch(), "one full-batch step is one epoch");
    xor.step();
    xor.step();
    assertEquals(3, xor.snapshot(false, null, null).epoch());

    TrainingRun circles = run("{\"dataset\":\"circles\",\"points\":\"100\",\"train\":\"50\",\"batch\":\"20\"}");
    circles.step();
    assertEquals(0, circles.epoch(), "20 of 50 rows seen");
    circles.step(); // 10 rows are left, fewer than a batch: the pass is over
    assertEquals(1, circles.epoch());
  }
}
