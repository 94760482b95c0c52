package dev.backflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** `backflow serve` refuses what cannot work with a message that says what to do (the page itself is tested in backflow-web). */
class ServeCommandTest {
  private static String[] run(String... args) {
    return CliRunner.run(args);
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
