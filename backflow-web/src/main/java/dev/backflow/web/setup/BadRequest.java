package dev.backflow.web.setup;

/**
 * A request the page (or a hand-edited URL) got wrong. The server answers it with status 400 and the
 * message as it stands, so the message names the setting in the user's terms and says what is allowed.
 */
public final class BadRequest extends RuntimeException {
  public BadRequest(String message) {
    super(message);
  }
}
