package dev.backflow.web.browser;

import dev.backflow.web.server.ServerSettings;
import dev.backflow.web.server.WebServer;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What every browser test shares: a real server on a free port and Debian's Chromium driven headless, started
 * once per class, and the ways tests open the page, wait for it and read it by test id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTest {
  WebServer server;
  HeadlessChromium chromium;
  WebDriver driver;

  /** Open pages the server allows at once. */
  int sessionCap() {
    return 16;
  }

  /** What the page shows, added to a failed wait's message. */
  String pageState(WebDriver d) {
    return "";
  }

  @BeforeAll
  void start() throws Exception {
    server = WebServer.start(new ServerSettings("127.0.0.1", 0, sessionCap(), Duration.ofMinutes(5)));
    chromium = HeadlessChromium.start();
    driver = chromium.driver;
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (chromium != null) chromium.close();
    } finally {
      if (server != null) server.close();
    }
  }

  void open(String query) {
    driver.get("http://127.0.0.1:" + server.port() + "/?" + query);
    waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")), "the page is ready");
  }

  <T> T waitUntil(Function<WebDriver, T> condition, String what) {
    return new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage(() -> {
      String state = pageState(driver);
      return state.isEmpty() ? what : what + " (" + state + ")";
    }).until(condition);
  }

  WebElement byTestId(String id) {
    return driver.findElement(By.cssSelector("[data-testid='" + id + "']"));
  }

  String text(String testId) {
    return byTestId(testId).getText();
  }
}
