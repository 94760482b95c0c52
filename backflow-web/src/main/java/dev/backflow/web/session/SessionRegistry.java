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
 * The sessions of one server, one per browser tab, at most {@code maxSessions} at once. A session that
 * no page is streaming from and that has had no request for {@code idleTimeout} is ended by a sweep
 * every few seconds (and at once when a new tab needs the room).
 */
public final class SessionRegistry implements AutoCloseable {
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final int maxSessions;
  private final long idleNanos;
  private final LongSupplier clock;
  private final ObjectMapper json;
  private final ScheduledExecutorService scheduler;
  private final SecureRandom random = new SecureRandom();

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
    long sweep = Math.max(1, Math.min(30_000, idleTimeout.toMillis() / 4));
    scheduler.scheduleWithFixedDelay(this::endIdle, sweep, sweep, TimeUnit.MILLISECONDS);
  }

  public Session create(Setup setup) {
    synchronized (sessions) {
      if (sessions.size() >= maxSessions) endIdle();
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

  /** Ends every session that is unwatched and has been idle too long; returns how many ended. */
  public int endIdle() {
    long now = clock.getAsLong();
    int ended = 0;
    for (Session s : sessions.values()) {
      if (!s.watched() && now - s.lastActive() > idleNanos) {
        end(s.id());
        ended++;
      }
    }
    return ended;
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
