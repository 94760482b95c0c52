package dev.backflow.web.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.web.server.ServerSettings;
import dev.backflow.web.server.WebServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The cost panel in real headless Chromium: the learner picks a network, the server times every gradient by
 * finite differences and by backprop, and the two costs appear side by side, one table row per size run.
 * (No assertion on the times themselves: speed is what the panel shows, not what a test can promise.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CostPanelBrowserTest {
  WebServer server;
  HeadlessChromium chromium;
  WebDriver driver;

  @BeforeAll
  void start() throws Exception {
    server = WebServer.start(new ServerSettings("127.0.0.1", 0, 16, Duration.ofMinutes(5)));
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

  <T> T waitUntil(Function<WebDriver, T> condition, String what) {
    return new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage(what).until(condition);
  }

  String text(String testId) {
    return driver.findElement(By.cssSelector("[data-testid='" + testId + "']")).getText();
  }

  void choose(String size) {
    ((JavascriptExecutor) driver).executeScript("document.getElementById('cost-size').value = arguments[0];", size);
    driver.findElement(By.cssSelector("[data-testid='cost-run']")).click();
  }

  @Test
  void bothCostsAppearSideBySideAndEverySizeRunAddsARow() throws Exception {
    driver.get("http://127.0.0.1:" + server.port() + "/?view=cost");
    waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")), "the page is ready");
    assertEquals(9, driver.findElements(By.cssSelector("#cost-size option")).size(), "one choice per network of the ladder");

    choose("96");
    waitUntil(d -> text("cost-summary").startsWith("32-2-10, 96 parameters"), "the smallest network was timed");
    assertTrue(text("cost-fd-one-sided").matches("[0-9.]+ (µs|ms|s)"), text("cost-fd-one-sided"));
    assertTrue(text("cost-backprop").matches("[0-9.]+ (µs|ms|s)"), text("cost-backprop"));
    assertEquals("Run over all 96 weights.", text("cost-fd-how"));
    assertTrue(text("cost-summary").contains("faster than one-sided finite differences"), text("cost-summary"));

    choose("76810");
    waitUntil(d -> text("cost-summary").startsWith("32-256-256-10, 76,810 parameters"), "the 76,810-parameter network was timed");
    assertTrue(text("cost-fd-how").startsWith("Timed on "), text("cost-fd-how"));
    assertTrue(text("cost-fd-how").contains("of the 76,810 weights"), text("cost-fd-how"));
    assertEquals(2, driver.findElements(By.cssSelector("#cost-rows tr")).size());
    assertTrue(text("cost-row-76810").contains("32-256-256-10"), text("cost-row-76810"));
    assertTrue(text("cost-row-96").endsWith("faster"), text("cost-row-96"));
    assertEquals(List.of(), chromium.consoleErrors(), "the browser console reported errors");
    chromium.screenshot(Path.of("target", "screenshots", "cost.png"));
  }
}
