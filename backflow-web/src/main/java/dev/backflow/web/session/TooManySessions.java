package dev.backflow.web.session;

/** The server already holds its limit of sessions. Answered with 503, since waiting (or closing a tab) helps. */
public final class TooManySessions extends RuntimeException {
  public TooManySessions(int limit) {
    super("the server already has " + limit + " open sessions, its limit, all of them pages still open;"
        + " close another tab of this page, then reload");
  }
}
