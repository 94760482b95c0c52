package dev.backflow.web.session;

/** Where a session's events go: one open Server-Sent Events stream of one page. */
public interface EventSink {
  /** Sends one event; returns false when the page has gone, so the session drops the sink. */
  boolean send(String event, String json);

  /**
   * Sends a keep-alive comment the page ignores; returns false when the page has gone. A closed tab is
   * only noticed when a write to its stream fails, so an idle session pings to find out.
   */
  default boolean ping() {
    return true;
  }

  /** Ends the stream (the session is over). */
  default void close() {}
}
