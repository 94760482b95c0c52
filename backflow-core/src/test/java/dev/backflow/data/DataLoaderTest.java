package dev.backflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.tensor.Tensor;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A custom dataset needs only size and get; a look at one batch changes nothing and leaves no thread. */
class DataLoaderTest {
  /** As a PyTorch Dataset: __len__ and __getitem__, no batching code. */
  static final class Squares implements Dataset {
    @Override
    public int size() {
      return 10;
    }

    @Override
    public Example get(int i) {
      return new Example(Tensor.of(new float[] {i, -i}, 2), Tensor.scalar(i * i));
    }
  }

  private static Set<Thread> prefetchThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("backflow-prefetch") && t.isAlive()).collect(Collectors.toSet());
  }

  @Test
  void aCustomDatasetWithOnlyGetIsBatchedByTheLoader() {
    DataLoader loader = new DataLoader(new Squares(), 4, false, 0);
    Iterator<Batch> it = loader.iterator();
    Batch first = it.next();
    assertArrayEquals(new int[] {4, 2}, first.inputs().shape());
    assertArrayEquals(new float[] {0, 1, 4, 9}, first.targets().toArray());
    it.next();
    Batch last = it.next();
    assertArrayEquals(new float[] {64, 81}, last.targets().toArray());
    assertFalse(it.hasNext());
    assertEquals(3, new Squares().head(3).size());
    assertArrayEquals(new float[] {2, -2}, new Squares().head(3).batch(new int[] {2}).inputs().toArray());
  }

  @Test
  void aDatasetWithNeitherGetNorBatchSaysWhatToImplement() {
    Dataset empty = () -> 3;
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> empty.batch(new int[] {0}));
    assertTrue(e.getMessage().contains("get(int)"), e.getMessage());
  }

  @Test
  void lookingAtOneBatchNeitherAdvancesTheEpochNorStartsAThread() {
    Set<Thread> before = prefetchThreads();
    DataLoader loader = new DataLoader(new Squares(), 3, true, false, 5, 2);
    float[] peek = loader.iterator().next().targets().toArray();
    assertEquals(0, loader.epoch());
    assertArrayEquals(peek, loader.iterator().next().targets().toArray(), "the same first batch: epoch 0 again");
    Set<Thread> after = prefetchThreads();
    after.removeAll(before);
    assertTrue(after.isEmpty(), "no prefetch thread for a look at one batch: " + after);

    float[] epoch0 = null;
    for (Batch b : loader) if (epoch0 == null) epoch0 = b.targets().toArray();
    assertArrayEquals(peek, epoch0, "the first full epoch is epoch 0");
    assertEquals(1, loader.epoch(), "a full pass counts");
  }

  @Test
  void anAbandonedPrefetchingIteratorsThreadEnds() throws InterruptedException {
    Set<Thread> before = prefetchThreads();
    DataLoader loader = new DataLoader(new Squares(), 1, false, false, 0, 2);
    Iterator<Batch> it = loader.iterator();
    it.next();
    it.next();   // the second batch starts the thread
    Set<Thread> started = prefetchThreads();
    started.removeAll(before);
    assertEquals(1, started.size());
    it = null;
    Thread t = started.iterator().next();
    for (int i = 0; i < 100 && t.isAlive(); i++) {
      System.gc();
      t.join(100);
    }
    assertFalse(t.isAlive(), "the producer ends once its iterator is unreachable");
    assertEquals(0, loader.epoch(), "an abandoned epoch does not count");
  }

  @Test
  void dropLastWithFewerExamplesThanABatchIsRefusedNamingSizesAndTheWayOut() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DataLoader(new Squares(), 16, true, true, 0, 0));
    assertEquals("DataLoader: 10 examples with batch size 16 and dropLast=true give no batch at all (dropLast leaves out "
        + "the one short batch); use a batch size of at most 10, or dropLast=false", e.getMessage());
    assertEquals(1, new DataLoader(new Squares(), 16, true, false, 0, 0).batchesPerEpoch(), "without dropLast: one short batch");
    assertEquals(1, new DataLoader(new Squares(), 10, true, true, 0, 0).batchesPerEpoch(), "a batch of exactly the size stays");
  }
}
