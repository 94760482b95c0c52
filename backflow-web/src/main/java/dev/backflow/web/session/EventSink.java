package dev.backflow.web.session;

/** Where a session's events go: one open Server-Sent Events stream of one page. */
public interface EventSink {
  /** Sends one event; returns false when the page has gone, so the session drops the sink. */
  boolean send(String event, String json);

  /** Ends the stream (the session is over). */
  default void close() {}
}
