package dev.backflow.cli;

import dev.backflow.web.server.ServerSettings;
import dev.backflow.web.server.WebServer;
import java.io.PrintWriter;
import java.net.BindException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Serves the interactive backprop page until Ctrl+C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the interactive page: a playground, a backprop stepper, a computational graph view and"
        + " a gradient health view, all computed by the engine. Open the printed address in a browser."})
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", description = "port to listen on, 0 for any free port (default: ${DEFAULT-VALUE})")
  int port = 8080;

  @Option(names = "--host", description = "address to bind (default: ${DEFAULT-VALUE}, this machine only)")
  String host = ServerSettings.LOOPBACK;

  @Option(names = "--max-sessions", description = "browser tabs served at once (default: ${DEFAULT-VALUE})")
  int maxSessions = 16;

  @Option(names = "--idle-minutes", description = "minutes after which a closed tab's session ends (default: ${DEFAULT-VALUE})")
  int idleMinutes = 10;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0 to 65535, got " + port);
    if (maxSessions < 1 || maxSessions > 1000) throw new IllegalArgumentException("--max-sessions must be 1 to 1000, got " + maxSessions);
    if (idleMinutes < 1) throw new IllegalArgumentException("--idle-minutes must be at least 1, got " + idleMinutes);
    PrintWriter out = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
    ServerSettings settings = new ServerSettings(host, port, maxSessions, Duration.ofMinutes(idleMinutes));
    WebServer server;
    try {
      server = WebServer.start(settings);
    } catch (RuntimeException e) {
      if (causedBy(e, BindException.class)) {
        throw new IllegalArgumentException("cannot listen on " + host + ":" + port + " (" + rootMessage(e)
            + "); another program may be using the port: try --port 0 for any free one");
      }
      throw e;
    }
    if (!settings.loopbackOnly()) {
      out.println("warning: listening on " + host + ": anyone who can reach this machine can use the page");
    }
    out.println("Backflow page: " + server.url() + "  (Ctrl+C to stop)");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "backflow-serve-shutdown"));
    stopped.await();
    return 0;
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) if (type.isInstance(t)) return true;
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) t = t.getCause();
    return t.getMessage();
  }
}
