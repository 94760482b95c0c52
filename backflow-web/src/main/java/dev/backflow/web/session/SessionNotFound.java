package dev.backflow.web.session;

/** A request named a session this server does not have (it expired, or the server restarted). Answered with 404. */
public final class SessionNotFound extends RuntimeException {
  public SessionNotFound(String id) {
    super("session '" + id + "' does not exist (sessions end after some idle minutes or when the server restarts); reload the page");
  }
}
