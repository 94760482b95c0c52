package dev.backflow.spark;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** Counts task attempts that ended in an exception, so a retry test can show that a failure did happen. */
final class FailedTasks extends SparkListener {
  private final AtomicInteger failed = new AtomicInteger();

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.reason() instanceof ExceptionFailure) failed.incrementAndGet();
  }

  /** The count once it reaches {@code atLeast}, or after 10 s (listener events arrive asynchronously). */
  int await(int atLeast) throws InterruptedException {
    for (int i = 0; i < 100 && failed.get() < atLeast; i++) Thread.sleep(100);
    return failed.get();
  }
}
