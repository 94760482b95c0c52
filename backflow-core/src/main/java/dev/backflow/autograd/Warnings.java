package dev.backflow.autograd;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warnings about likely mistakes that are not errors, shown as Python's warnings module shows a UserWarning: once
 * per line of user code. They go to the {@code System.Logger} named {@code "dev.backflow"} at WARNING (by default
 * java.util.logging, which prints them on stderr; its configuration can silence or redirect them), with the user's
 * line appended so the reader knows where to look. {@link #record(Runnable)} collects them instead, as
 * {@code warnings.catch_warnings(record=True)}.
 */
public final class Warnings {
  private static final System.Logger LOG = System.getLogger("dev.backflow");
  /** kind + user line: a loop that repeats the mistake warns once, a second place warns again. */
  private static final Set<String> SHOWN = ConcurrentHashMap.newKeySet();
  private static final ThreadLocal<List<String>> RECORDING = new ThreadLocal<>();

  private Warnings() {}

  /**
   * Logs {@code message} unless a warning of this {@code kind} was already given for the same line of user code.
   *
   * @param kind what the warning is about (one per mistake, not per message text)
   * @param message the warning, in the user's terms, saying what to do
   * @return true when it was given now
   */
  public static boolean once(String kind, String message) {
    String at = CallSite.find();
    if (!SHOWN.add(kind + '@' + at)) return false;
    String full = message + " (at " + at + ")";
    List<String> recording = RECORDING.get();
    if (recording != null) recording.add(full);
    else LOG.log(Level.WARNING, full);
    return true;
  }

  /**
   * Runs {@code body} and returns the warnings it gave on this thread, in order, instead of logging them.
   *
   * @param body the code to watch
   * @return the warnings' messages, each ending with the user's line
   */
  public static List<String> record(Runnable body) {
    List<String> outer = RECORDING.get(), mine = new ArrayList<>();
    RECORDING.set(mine);
    try {
      body.run();
    } finally {
      if (outer == null) RECORDING.remove();
      else RECORDING.set(outer);
    }
    return mine;
  }
}
