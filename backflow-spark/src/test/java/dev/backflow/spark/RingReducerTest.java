package dev.backflow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The ring's sum, with k ranks as threads over loopback sockets: every rank must end with exactly the rank-ordered
 * fold ((g0 + g1) + g2) + ... that the driver computes, for rings where some ranks both receive and forward.
 */
class RingReducerTest {
  @Test
  void everyRankEndsWithTheRankOrderedSumForOneToFourRanks() throws Exception {
    int n = 40_000; // not a multiple of the chunk: a short last chunk
    for (int k = 1; k <= 4; k++) {
      float[][] g = new float[k][n];
      SplittableRandom rng = new SplittableRandom(k);
      for (float[] row : g) for (int i = 0; i < n; i++) row[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-3, 4)));
      float[] expected = g[0].clone();
      for (int r = 1; r < k; r++) for (int i = 0; i < n; i++) expected[i] = expected[i] + g[r][i];
      ServerSocket[] servers = new ServerSocket[k];
      String[] addresses = new String[k];
      for (int r = 0; r < k; r++) {
        servers[r] = new ServerSocket(0, k, InetAddress.getLoopbackAddress());
        addresses[r] = "127.0.0.1:" + servers[r].getLocalPort();
      }
      ExecutorService pool = Executors.newFixedThreadPool(k);
      try {
        List<Future<float[]>> results = new ArrayList<>();
        for (int r = 0; r < k; r++) {
          int rank = r;
          results.add(pool.submit(() -> {
            float[] mine = g[rank].clone();
            try (RingReducer ring = new RingReducer(rank, servers[rank], addresses)) {
              ring.allReduce(mine);
              ring.allReduce(mine.clone()); // a second call on the same connections stays in step
            }
            return mine;
          }));
        }
        for (int r = 0; r < k; r++) {
          float[] got = results.get(r).get();
          for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]), "k=" + k + ", rank " + r + ", element " + i);
          }
        }
      } finally {
        pool.shutdownNow();
        for (ServerSocket s : servers) s.close();
      }
    }
  }
}
