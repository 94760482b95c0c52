package dev.backflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `backflow serve` refuses what cannot work with a message that says what to do (the page itself is tested in backflow-web). */
class ServeCommandTest {
  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    CommandLine cli = new CommandLine(new Backflow());
    cli.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("backflow: " + e.getMessage());
      return 1;
    });
    int code = cli.execute(args);
    return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void refusesAPortOutOfRange() {
    String[] r = run("serve", "--port", "70000");
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("--port must be 0 to 65535, got 70000"), r[2]);
  }

  @Test
  void saysWhatToDoWhenThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String[] r = run("serve", "--port", String.valueOf(taken.getLocalPort()));
      assertEquals("1", r[0], r[1] + r[2]);
      assertTrue(r[2].contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()) && r[2].contains("try --port 0"), r[2]);
    }
  }

  @Test
  void isListedInTheHelp() {
    String[] r = run("--help");
    assertTrue(r[1].contains("serve"), r[1]);
  }
}
