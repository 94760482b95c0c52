package dev.backflow.web.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.web.setup.Setup;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The sessions of one server, one per open page, at most {@code maxSessions} at once. A page's session
 * ends when the page goes: at once on its {@code pagehide} beacon, or a few seconds after its event stream
 * drops (every stream is pinged, so a killed tab is noticed too). A session no page ever streamed from (an
 * API client) ends after {@code idleTimeout} without requests. The cap counts pages still there: a new page
 * that finds the server full first ends every session that has had no stream and no request for a few seconds.
 */
public final class SessionRegistry implements AutoCloseable {
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final int maxSessions;
  private final long idleNanos;
  private final LongSupplier clock;
  private final ObjectMapper json;
  private final ScheduledExecutorService scheduler;
  private final SecureRandom random = new SecureRandom();
  /** How long a session outlives its page's stream: an EventSource reconnects within about three seconds. */
  static final long RELEASE_NANOS = 10_000_000_000L;
  /** A new page may end an unwatched session quiet this long; one just created is still opening its stream. */
  static final long PAGE_GRACE_NANOS = 5_000_000_000L;
  /** How often streams are pinged and gone pages' sessions ended. */
  static final long SWEEP_MILLIS = 2_000;

  public SessionRegistry(int maxSessions, Duration idleTimeout, ObjectMapper json) {
    this(maxSessions, idleTimeout, json, System::nanoTime);
  }

  /** With a clock in nanoseconds, so tests can move time. */
  public SessionRegistry(int maxSessions, Duration idleTimeout, ObjectMapper json, LongSupplier clock) {
    if (maxSessions < 1) throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
    this.maxSessions = maxSessions;
    this.idleNanos = idleTimeout.toNanos();
    this.clock = clock;
    this.json = json;
    // Training frames of all sessions share two threads: this is a 2-core teaching tool, not a cluster.
    this.scheduler = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "backflow-training");
      t.setDaemon(true);
      return t;
    });
    long sweep = Math.max(1, Math.min(SWEEP_MILLIS, idleTimeout.toMillis() / 4));
    scheduler.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
  }

  public Session create(Setup setup) {
    synchronized (sessions) {
      if (sessions.size() >= maxSessions) endIdle();
      if (sessions.size() >= maxSessions) endQuiet(PAGE_GRACE_NANOS);
      if (sessions.size() >= maxSessions) throw new TooManySessions(maxSessions);
      String id = HexFormat.of().formatHex(bytes());
      Session s = new Session(id, setup, json, scheduler, clock);
      sessions.put(id, s);
      return s;
    }
  }

  private byte[] bytes() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return b;
  }

  public Session get(String id) {
    Session s = sessions.get(id);
    if (s == null) throw new SessionNotFound(id);
    s.touch();
    return s;
  }

  public void end(String id) {
    Session s = sessions.remove(id);
    if (s != null) s.close();
  }

  /** Pings every stream, then ends the sessions no page uses any more (see {@link #endIdle}). */
  private void sweep() {
    try {
      for (Session s : sessions.values()) s.ping();
      endIdle();
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(SessionRegistry.class).warn("session sweep failed", e);
    }
  }

  /**
   * Ends every session that no page streams from and that either had a page whose stream went away
   * {@link #RELEASE_NANOS} ago, or has had no request for the idle timeout; returns how many ended.
   */
  public int endIdle() {
    long now = clock.getAsLong();
    int ended = 0;
    for (Session s : sessions.values()) {
      long quiet = now - s.lastActive();
      if (!s.watched() && (quiet > idleNanos || (s.everWatched() && quiet > RELEASE_NANOS))) {
        end(s.id());
        ended++;
      }
    }
    return ended;
  }

  private void endQuiet(long nanos) {
    long now = clock.getAsLong();
    for (Session s : sessions.values()) {
      if (!s.watched() && now - s.lastActive() > nanos) end(s.id());
    }
  }

  public int size() {
    return sessions.size();
  }

  public int maxSessions() {
    return maxSessions;
  }

  @Override
  public void close() {
    for (String id : sessions.keySet()) end(id);
    scheduler.shutdownNow();
  }
}
