package dev.backflow.web.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;

/**
 * The page in real headless Chromium against a real server: it loads without console errors, the worked
 * neuron stepped through shows the article's numbers, XOR trains to 100% in the browser, the URL round-trips
 * the set-up, and each view is photographed into target/screenshots.
 */
class PageBrowserTest extends BrowserTest {
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @AfterEach
  void noConsoleErrors() {
    assertEquals(List.of(), chromium.consoleErrors(), "the browser console reported errors");
  }

  @Override
  String pageState(WebDriver d) {
    return "the page says: step "
        + d.findElements(By.id("step-count")).stream().map(WebElement::getText).findFirst().orElse("?") + ", "
        + d.findElements(By.id("run-status")).stream().map(WebElement::getText).findFirst().orElse("?") + "; banner: "
        + d.findElements(By.id("banner")).stream().map(WebElement::getText).findFirst().orElse("?");
  }


  void waitForText(String testId, String expected) {
    waitUntil(d -> expected.equals(text(testId)), testId + " shows " + expected + " (it shows '" + text(testId) + "')");
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  void pressKey(CharSequence key) {
    js("if (document.activeElement) document.activeElement.blur();");
    new Actions(driver).sendKeys(key).perform();
  }

  /**
   * Sets a control's value and fires its change event, as choosing it would. (Clicking a native select
   * in headless Chromium can leave its pop-up open to swallow the next click.)
   */
  void setValue(String id, String value) {
    js("const e = document.getElementById(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));", id, value);
  }

  @Test
  void theWorkedNeuronSteppedThroughShowsTheArticlesNumbers() throws Exception {
    open("view=stepper");
    setValue("preset", "neuron");
    waitUntil(d -> d.getCurrentUrl().contains("dataset=neuron"), "the preset's set-up is applied");
    waitForText("phase-label", "Press Next (→ or Space) to start a training step.");

    pressKey(Keys.ARROW_RIGHT); // the example enters
    waitUntil(d -> text("phase-label").contains("the example enters"), "phase 1");
    assertEquals("…", text("q-yhat"), "nothing is shown before its phase");
    pressKey(Keys.ARROW_RIGHT); // forward pass
    waitForText("q-yhat", "0.7503");
    assertEquals("z=1.1000", text("z-1-0"));
    assertEquals("…", text("q-grad"));
    pressKey(" "); // the loss: Space steps too
    waitForText("q-loss", "0.0624");
    assertTrue(text("loss-convention").contains("L = mean over the batch of (y − ŷ)²"), text("loss-convention"));
    pressKey(Keys.ARROW_RIGHT); // backward pass
    waitForText("q-grad", "-0.1872");
    assertEquals("-0.4995", text("q-dLdyhat"));
    assertEquals("0.1874", text("q-dyhatdz"));
    assertEquals("-0.1872", text("chain-product"));
    assertTrue(text("chain").contains("= (-0.4995) · 0.1874 · 2.0000"), text("chain"));
    pressKey(Keys.ARROW_RIGHT); // update
    waitForText("q-new", "0.5000 → 0.5187");
    assertEquals("0.5187", text("chain-update"));
    assertEquals("polite", byTestId("explain").getAttribute("aria-live"));
    assertTrue(text("explain").startsWith("Update: the optimizer moves every weight"), text("explain"));

    String note = text("article-note");
    assertTrue(note.contains("∂L/∂w = -0.1875") && note.contains("w → 0.51875") && note.contains("rounds ŷ to 0.75"), note);
    byTestId("article-rounding").click();
    waitForText("q-grad", "-0.1875");
    assertEquals("0.5000 → 0.51875", text("q-new"));
    byTestId("article-rounding").click();
    waitForText("q-grad", "-0.1872");

    pressKey(Keys.ARROW_LEFT); // back in time: the backward pass again
    waitUntil(d -> text("phase-label").contains("backward pass"), "stepping back shows the backward pass");
    assertEquals("0.5000", text("q-new"), "before the update the weight is still 0.5");
    chromium.screenshot(SCREENSHOTS.resolve("stepper-neuron.png"));
  }

  @Test
  void xorTrainsToFullTrainingAccuracyInTheBrowserWithin2000Steps() {
    open("view=stepper");
    setValue("preset", "xor");
    waitUntil(d -> d.getCurrentUrl().contains("dataset=xor4"), "the XOR 2-2-1 preset is applied");
    driver.findElement(By.id("tab-playground")).click();
    trainUntilPerfect();

    // TensorFlow Playground's XOR (points by quadrant) too.
    open("view=playground&dataset=xor&noise=0&points=200&layers=8,8&act=tanh,tanh&opt=adam&lr=0.03&batch=10&loss=cross_entropy");
    trainUntilPerfect();
  }

  void trainUntilPerfect() {
    WebElement stop = driver.findElement(By.id("stop-perfect"));
    if (!stop.isSelected()) stop.click();
    setValue("speed", "100");
    byTestId("run").click();
    waitUntil(d -> text("run-status").startsWith("reached 100% training accuracy at step"), "XOR is learned");
    String status = text("run-status");
    long steps = Long.parseLong(status.substring(status.lastIndexOf(' ') + 1));
    assertTrue(steps <= 2000, "took " + steps + " steps");
    assertEquals("100.0%", text("train-accuracy"));
    assertEquals(String.valueOf(steps), text("step-count"));
  }

  @Test
  void theUrlRoundTripsTheSetup() {
    String query = "dataset=moons&noise=0.15&points=300&train=60&seed=7&layers=5,3&act=relu,tanh&opt=momentum&lr=0.02"
        + "&batch=16&reg=l2&regRate=0.003&init=he&loss=squared";
    open("view=playground&" + query);
    Map<String, String> expected = Map.of("set-dataset", "moons", "set-noise", "0.15", "set-points", "300", "set-train", "60",
        "set-seed", "7", "set-opt", "momentum", "set-lr", "0.02", "set-batch", "16", "set-reg", "l2", "set-init", "he");
    expected.forEach((id, value) -> assertEquals(value, driver.findElement(By.id(id)).getAttribute("value"), id));
    assertEquals("relu", byTestId("activation-1").getAttribute("value"));
    assertEquals("tanh", byTestId("activation-2").getAttribute("value"));
    for (String pair : query.split("&")) assertTrue(driver.getCurrentUrl().contains(pair.replace(",", "%2C")), pair);
    String weight = waitUntil(d -> byTestId("edge-1-0-0").getAttribute("data-weight"), "weights are drawn");

    long historyBefore = (Long) js("return history.length;");
    setValue("set-lr", "0.05");
    waitUntil(d -> d.getCurrentUrl().contains("lr=0.05"), "the address follows the change");
    assertEquals(historyBefore, (Long) js("return history.length;"), "replaceState, not a history entry per change");

    String link = driver.getCurrentUrl();
    driver.get(link);
    waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")), "reloaded");
    assertEquals("0.05", driver.findElement(By.id("set-lr")).getAttribute("value"));
    assertEquals(weight, waitUntil(d -> byTestId("edge-1-0-0").getAttribute("data-weight"), "weights are drawn"),
        "the link reproduces the initial weights");
  }

  @Test
  void aBadLinkIsExplainedAndTheDefaultsShown() {
    open("view=playground&layers=10000&lr=-1");
    String banner = text("banner");
    assertTrue(banner.contains("hidden layer 1 has 10000 neurons; each hidden layer may have 1 to 16"), banner);
    assertEquals("circles", driver.findElement(By.id("set-dataset")).getAttribute("value"));
    assertTrue(driver.getCurrentUrl().contains("layers=4%2C4"), driver.getCurrentUrl());
    // The page checks the link before opening a session with it: no refused request for Chromium to log
    // (the @AfterEach check finds the console clean).
  }

  @Test
  void theGraphViewBuildsAndBackpropagatesATypedExpression() {
    open("view=graph");
    waitUntil(d -> !d.findElements(By.cssSelector("[data-label='sigmoid']")).isEmpty(), "the default graph is drawn");
    String sigmoid = driver.findElement(By.cssSelector("[data-label='sigmoid']")).getAttribute("data-testid").replace("graph-node-", "");
    assertEquals("value 0.7503", text("graph-value-" + sigmoid));
    String w = driver.findElement(By.cssSelector("[data-label='w']")).getAttribute("data-testid").replace("graph-node-", "");
    assertEquals("grad 0.3747", text("graph-grad-" + w));

    byTestId("graph-expression").clear();
    byTestId("graph-expression").sendKeys("x*x + x");
    byTestId("graph-values").clear();
    byTestId("graph-values").sendKeys("x=3");
    byTestId("graph-evaluate").click();
    waitUntil(d -> !d.findElements(By.cssSelector("[data-label='x']")).isEmpty(), "the new graph is drawn");
    String x = driver.findElement(By.cssSelector("[data-label='x']")).getAttribute("data-testid").replace("graph-node-", "");
    assertEquals("grad 7.0000", text("graph-grad-" + x));

    byTestId("graph-expression").sendKeys(" + (");
    byTestId("graph-evaluate").click();
    waitUntil(d -> byTestId("graph-error").isDisplayed(), "the parse error is shown");
    assertTrue(text("graph-error").contains("ends too soon"), text("graph-error"));
    // The expression is checked before it is sent, so the typo logs no failed request in the console.
  }

  @Test
  void twoTabsTrainAtOnce() {
    open("view=playground&dataset=circles&layers=4");
    String first = driver.getWindowHandle();
    byTestId("run").click();
    driver.switchTo().newWindow(WindowType.TAB);
    open("view=playground&dataset=spirals&layers=6,6");
    byTestId("run").click();
    waitUntil(d -> Long.parseLong(text("step-count")) > 50, "the second tab trains");
    byTestId("run").click(); // pause
    driver.close();
    driver.switchTo().window(first);
    waitUntil(d -> Long.parseLong(text("step-count")) > 50, "the first tab trained meanwhile");
    assertEquals("running", text("run-status"));
    byTestId("run").click();
    waitForText("run-status", "paused");
  }

  @Test
  void everyViewIsPhotographed() throws Exception {
    open("view=playground&dataset=spirals&noise=0&layers=8,8,6&act=tanh&opt=adam&lr=0.01&batch=10&loss=cross_entropy");
    if (driver.findElement(By.id("stop-perfect")).isSelected()) driver.findElement(By.id("stop-perfect")).click();
    setValue("speed", "10");
    byTestId("run").click();
    waitUntil(d -> Long.parseLong(text("step-count")) >= 1500, "the spirals have trained a while");
    byTestId("run").click();
    waitForText("run-status", "paused");
    // The heatmap is the server's numbers painted one pixel per cell: both classes' colours must be there.
    @SuppressWarnings("unchecked")
    List<Long> colours = (List<Long>) js("const c = document.getElementById('output-heatmap');"
        + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let blue = 0, orange = 0;"
        + "for (let i = 0; i < d.length; i += 4) { if (d[i + 2] > d[i] + 40) blue++; if (d[i] > d[i + 2] + 40) orange++; }"
        + "return [c.width, c.height, blue, orange];");
    assertEquals(List.of(50L, 50L), colours.subList(0, 2));
    assertTrue(colours.get(2) > 200 && colours.get(3) > 200, "both classes are painted: " + colours);
    chromium.screenshot(SCREENSHOTS.resolve("playground.png"));

    open("view=stepper");
    setValue("preset", "xor");
    waitUntil(d -> d.getCurrentUrl().contains("dataset=xor4"), "the XOR preset is applied");
    for (int i = 0; i < 6; i++) pressKey(Keys.ARROW_RIGHT);
    waitUntil(d -> text("phase-label").contains("backward pass, layer 1"), "the backward pass reached layer 1");
    driver.findElement(By.cssSelector("[data-testid='w-1-1-0']")).click();
    waitUntil(d -> text("chain").contains("Σ over the examples"), "the chain rule of a hidden weight is shown");
    chromium.screenshot(SCREENSHOTS.resolve("stepper.png"));

    open("view=graph");
    waitUntil(d -> !d.findElements(By.cssSelector("[data-label='sigmoid']")).isEmpty(), "the graph is drawn");
    chromium.screenshot(SCREENSHOTS.resolve("graph.png"));

    open("view=health");
    waitUntil(d -> !text("health-summary").isEmpty(), "the vanishing-gradient runs trained");
    assertTrue(text("health-summary").contains("A) 20-layer sigmoid MLP, default init: VANISHING_GRADIENTS at 0 (Linear)"),
        text("health-summary"));
    setValue("health-problem", "slow-convergence");
    waitUntil(d -> text("health-summary").startsWith("Slow convergence"), "the slow-convergence runs trained");
    assertTrue(text("health-summary").contains("(100x too low): LEARNING_RATE_TOO_LOW at model"), text("health-summary"));
    assertTrue(text("health-summary").contains("C) the same, Adam learning rate 0.001: no findings"), text("health-summary"));
    assertTrue(text("health-run-0").contains("LEARNING_RATE_TOO_LOW"), text("health-run-0"));
    assertTrue(text("health-run-1").contains("The monitor found nothing wrong."), text("health-run-1"));
    chromium.screenshot(SCREENSHOTS.resolve("health.png"));
  }
}
