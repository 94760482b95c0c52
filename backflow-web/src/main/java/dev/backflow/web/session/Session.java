package dev.backflow.web.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.web.engine.Snapshot;
import dev.backflow.web.engine.TrainingRun;
import dev.backflow.web.setup.BadRequest;
import dev.backflow.web.setup.Limits;
import dev.backflow.web.setup.Setup;
import dev.backflow.web.trace.StepTrace;
import dev.backflow.web.trace.TraceRecorder;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One browser tab's training: its set-up, its network and the streams it is watched through. Commands
 * (step, run, pause, reset, trace) come from the page's REST calls; while running, a frame task on the
 * shared scheduler takes a few steps and streams a {@link Snapshot}. Everything that touches the network
 * holds this session's lock, so a REST command and a running frame never interleave.
 */
public final class Session {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Session.class);
  /** A running session streams at most one snapshot per frame. */
  static final long FRAME_MILLIS = 33;
  /** Steps per frame stop early past this, so a big batch never stalls the stream. */
  static final long FRAME_BUDGET_NANOS = 25_000_000;
  /** How long a running session may go unwatched (a page still opening its stream) before it pauses. */
  static final long UNWATCHED_GRACE_NANOS = 3_000_000_000L;

  private final String id;
  private final ObjectMapper json;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier clock;
  private final CopyOnWriteArrayList<EventSink> sinks = new CopyOnWriteArrayList<>();
  private TrainingRun run;
  private ScheduledFuture<?> frames;
  private int speed = 1;
  private boolean stopWhenPerfect;
  private volatile long lastActive;
  /** Snapshots are numbered under the session lock; publishing drops one older than what already went out. */
  private long snapshotsTaken; // guarded by this
  private long newestPublished; // guarded by publishLock
  private final Object publishLock = new Object();
  private volatile boolean closed;
  private volatile boolean everWatched;

  Session(String id, Setup setup, ObjectMapper json, ScheduledExecutorService scheduler, LongSupplier clock) {
    this.id = id;
    this.json = json;
    this.scheduler = scheduler;
    this.clock = clock;
    this.run = new TrainingRun(setup);
    this.lastActive = clock.getAsLong();
  }

  public String id() {
    return id;
  }

  public synchronized Setup setup() {
    return run.setup();
  }

  public synchronized TrainingRun run() {
    return run;
  }

  /**
   * Applies a new set-up. One that trains the same model differently keeps the weights (you can change
   * the learning rate mid-run); anything else rebuilds data and network. Returns true if it rebuilt.
   */
  public synchronized boolean apply(Setup next) {
    touch();
    if (next.sameModelAs(run.setup())) {
      run.retune(next);
      return false;
    }
    pause();
    run = new TrainingRun(next);
    return true;
  }

  public synchronized void reset() {
    touch();
    pause();
    run = new TrainingRun(run.setup());
  }

  /** One mini-batch step, streamed to the page with {@code seq} so it can time the round trip. */
  public void step(Long seq) {
    Snapshot s;
    long n;
    synchronized (this) {
      touch();
      pause();
      if (run.diverged()) throw new BadRequest("training has diverged (a weight is NaN or infinite); press reset");
      run.step();
      s = run.snapshot(false, run.diverged() ? diverged() : null, seq);
      n = ++snapshotsTaken;
    }
    publish(s, n);
  }

  /** One traced step for the backprop stepper; the new state is also streamed to the playground. */
  public StepTrace trace(int example) {
    StepTrace t;
    Snapshot s;
    long n;
    synchronized (this) {
      touch();
      pause();
      t = TraceRecorder.record(run, example);
      s = run.snapshot(false, run.diverged() ? diverged() : null, null);
      n = ++snapshotsTaken;
    }
    publish(s, n);
    return t;
  }

  public synchronized void start(int stepsPerFrame, boolean stopAtPerfect) {
    touch();
    if (stepsPerFrame < 1 || stepsPerFrame > Limits.MAX_SPEED) {
      throw new BadRequest("speed must be 1 to " + Limits.MAX_SPEED + " steps per frame, got " + stepsPerFrame);
    }
    if (run.diverged()) throw new BadRequest("training has diverged (a weight is NaN or infinite); press reset");
    speed = stepsPerFrame;
    stopWhenPerfect = stopAtPerfect;
    if (frames == null && !closed) frames = scheduler.scheduleWithFixedDelay(this::frame, 0, FRAME_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Stops the frame task; the next frame, if one is under way, finishes first (it holds the lock). */
  public synchronized void pause() {
    if (frames != null) {
      frames.cancel(false);
      frames = null;
    }
  }

  public synchronized boolean isRunning() {
    return frames != null;
  }

  /** A frame that throws would silently end the scheduled task; instead it stops the run and says why. */
  private void frame() {
    try {
      runFrame();
    } catch (RuntimeException e) {
      LOG.error("training frame of session {} failed", id, e);
      Snapshot s;
      long n;
      synchronized (this) {
        pause();
        s = run.snapshot(false, "training stopped on an error in the server: " + e, null);
        n = ++snapshotsTaken;
      }
      publish(s, n);
    }
  }

  private void runFrame() {
    Snapshot s;
    long n;
    synchronized (this) {
      if (frames == null) return;
      if (sinks.isEmpty() && clock.getAsLong() - lastActive > UNWATCHED_GRACE_NANOS) {
        pause(); // nobody is watching: a closed tab must not keep a core busy
        return;
      }
      String stop = null;
      long start = System.nanoTime();
      for (int i = 0; i < speed && System.nanoTime() - start < FRAME_BUDGET_NANOS; i++) {
        run.step();
        if (run.diverged()) {
          stop = diverged();
          break;
        }
        if (stopWhenPerfect && run.setup().dataset().classification && run.trainAccuracy() == 1.0) {
          stop = "reached 100% training accuracy at step " + run.steps();
          break;
        }
      }
      if (stop != null) pause();
      s = run.snapshot(stop == null, stop, null);
      n = ++snapshotsTaken;
    }
    publish(s, n);
  }

  private static String diverged() {
    return "training diverged: the loss became NaN or infinite; lower the learning rate and press reset";
  }

  /** The current state, streamed to every open stream of this session. */
  public void publishState() {
    Snapshot s;
    long n;
    synchronized (this) {
      s = run.snapshot(frames != null, null, null);
      n = ++snapshotsTaken;
    }
    publish(s, n);
  }

  /**
   * Sends snapshot number n to every stream, unless a newer one already went out: a training frame builds
   * its snapshot under the lock but sends it after, so a pause's "paused" could otherwise be overtaken by
   * the last frame's stale "running".
   */
  private void publish(Snapshot s, long n) {
    String text;
    try {
      text = json.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    synchronized (publishLock) {
      if (n < newestPublished) return;
      newestPublished = n;
      for (EventSink sink : sinks) {
        if (!sink.send("state", text)) sinks.remove(sink);
      }
    }
  }

  public void attach(EventSink sink) {
    touch();
    everWatched = true;
    sinks.add(sink);
  }

  public void detach(EventSink sink) {
    sinks.remove(sink);
    touch();
  }

  /** Pings every stream; one whose page has gone is dropped, and the session counts as unwatched from now. */
  public void ping() {
    synchronized (publishLock) {
      for (EventSink sink : sinks) {
        if (!sink.ping()) detach(sink);
      }
    }
  }

  public boolean watched() {
    return !sinks.isEmpty();
  }

  /** True once a page has streamed from this session: when it stops, the page has gone (closed, reloaded). */
  boolean everWatched() {
    return everWatched;
  }

  void touch() {
    lastActive = clock.getAsLong();
  }

  long lastActive() {
    return lastActive;
  }

  synchronized void close() {
    closed = true;
    pause();
    for (EventSink sink : sinks) sink.close();
    sinks.clear();
  }
}
