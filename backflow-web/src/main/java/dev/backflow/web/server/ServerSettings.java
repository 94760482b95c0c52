package dev.backflow.web.server;

import java.time.Duration;

/**
 * How {@code backflow serve} runs: where it listens (127.0.0.1 unless the user says otherwise, so the
 * page is not on the network by accident), how many tabs it serves at once and when idle ones end.
 */
public record ServerSettings(String host, int port, int maxSessions, Duration idleTimeout) {
  public static final String LOOPBACK = "127.0.0.1";

  public static ServerSettings defaults() {
    return new ServerSettings(LOOPBACK, 8080, 16, Duration.ofMinutes(10));
  }

  public ServerSettings withPort(int p) {
    return new ServerSettings(host, p, maxSessions, idleTimeout);
  }

  public boolean loopbackOnly() {
    return host.equals(LOOPBACK) || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
  }
}
