package dev.backflow.web.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The cost panel in real headless Chromium: the learner picks a network, the server times every gradient by
 * finite differences and by backprop, and the two costs appear side by side, one table row per size run.
 * (No assertion on the times themselves: speed is what the panel shows, not what a test can promise.)
 */
class CostPanelBrowserTest extends BrowserTest {
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
