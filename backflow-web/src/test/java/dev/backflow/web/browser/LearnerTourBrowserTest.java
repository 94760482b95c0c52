package dev.backflow.web.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page as a learner meets it, at a desktop's 1400×900 and a phone's 390×844: a tour of every view and
 * preset without a console error (typos and tampered links included), stepping back across step
 * boundaries, the article's numbers only where the article has them, the keyboard never trapped, small
 * values that still add up, labels and layout that do not collide (checked by bounding boxes), the graph
 * view's routing and infinities, the epoch counter, sessions released when a tab goes, and the stepper's
 * flowing values and loss-over-steps.
 */
class LearnerTourBrowserTest extends BrowserTest {
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final int CAP = 3;

  @Override
  int sessionCap() {
    return CAP;
  }

  @AfterEach
  void noConsoleErrors() {
    assertEquals(List.of(), chromium.consoleErrors(), "the browser console reported errors");
    desktop();
    reducedMotion(false);
  }

  // ---- the screen --------------------------------------------------------------------------------------

  void desktop() {
    chromium.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", 1400, "height", 900, "deviceScaleFactor", 1, "mobile", false));
  }

  void phone() {
    chromium.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
  }

  void reducedMotion(boolean reduce) {
    chromium.driver.executeCdpCommand("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-reduced-motion", "value", reduce ? "reduce" : "no-preference"))));
  }

  // ---- driving the page --------------------------------------------------------------------------------

  @Override
  String pageState(WebDriver d) {
    return "phase label: "
        + d.findElements(By.id("phase-label")).stream().map(WebElement::getText).findFirst().orElse("?") + "; banner: "
        + d.findElements(By.id("banner")).stream().map(WebElement::getText).findFirst().orElse("?");
  }


  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  void pressKey(CharSequence key) {
    js("if (document.activeElement) document.activeElement.blur();");
    new Actions(driver).sendKeys(key).perform();
  }

  void setValue(String id, String value) {
    js("const e = document.getElementById(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));", id, value);
  }

  void preset(String name, String urlPart) {
    setValue("preset", name);
    waitUntil(d -> d.getCurrentUrl().contains(urlPart), "the " + name + " preset is applied");
    waitUntil(d -> text("phase-label").startsWith("Press Next"), "the stepper starts over");
  }

  /** Presses → and waits until the phase label changes. */
  void next() {
    String before = text("phase-label");
    pressKey(Keys.ARROW_RIGHT);
    waitUntil(d -> !text("phase-label").equals(before), "the phase moves on from '" + before + "'");
  }

  void stepTo(String phaseLabelPart) {
    for (int i = 0; i < 12 && !text("phase-label").contains(phaseLabelPart); i++) next();
    assertTrue(text("phase-label").contains(phaseLabelPart), text("phase-label"));
  }

  // ---- geometry ------------------------------------------------------------------------------------------

  /** Pairs of texts in the stepper's diagram whose boxes overlap by more than a pixel. */
  @SuppressWarnings("unchecked")
  List<String> collidingDiagramLabels() {
    return (List<String>) js("const texts = [...document.querySelectorAll('#stepper-svg text')].filter((t) => !t.closest('.flow'));"
        + "const boxes = texts.map((t) => [t.textContent, t.getBoundingClientRect()]); const out = [];"
        + "for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {"
        + "  const [a, p] = boxes[i], [b, q] = boxes[j];"
        + "  const w = Math.min(p.right, q.right) - Math.max(p.left, q.left), h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);"
        + "  if (w > 1 && h > 1) out.push(a + ' / ' + b); }"
        + "return out;");
  }

  /**
   * Visible controls, headings, canvases, diagrams and tables of the shown view that overlap another one
   * (neither inside the other), and the page's width beyond the screen's.
   */
  @SuppressWarnings("unchecked")
  List<String> layoutProblems() {
    return (List<String>) js("const view = document.querySelector('.view:not([hidden])');"
        + "const els = [...document.querySelectorAll('header.top h1, nav button')].concat([...view.querySelectorAll("
        + "  'button, select, input, canvas, svg:not(.edges), table, h2, .output-stack, .explain, .chain, .quantities')])"
        + "  .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && !e.closest('.network')"
        + "    && !(e.parentElement && e.parentElement.classList.contains('output-stack')); });"
        + "const out = []; const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '')"
        + "  + (e.textContent ? ' \"' + e.textContent.trim().slice(0, 20) + '\"' : '');"
        + "for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {"
        + "  const a = els[i], b = els[j]; if (a.contains(b) || b.contains(a)) continue;"
        + "  const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();"
        + "  const w = Math.min(p.right, q.right) - Math.max(p.left, q.left), h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);"
        + "  if (w > 1 && h > 1) out.push(name(a) + ' overlaps ' + name(b)); }"
        + "const width = document.documentElement.scrollWidth;"
        + "if (width > window.innerWidth) out.push('the page is ' + width + ' px wide on a ' + window.innerWidth + ' px screen');"
        + "return out;");
  }

  // ---- 1, 12: a tour with no console error -----------------------------------------------------------------

  @Test
  void aTourOfEveryViewAndPresetLogsNoConsoleErrorAtBothSizes() throws Exception {
    for (boolean onPhone : new boolean[] {false, true}) {
      if (onPhone) phone(); else desktop();
      open("view=playground&dataset=circles&layers=4,4&act=tanh,tanh");
      driver.findElement(By.id("btn-add-layer")).click();
      waitUntil(d -> d.getCurrentUrl().contains("layers=4%2C4%2C4"), "a layer is added");
      driver.findElement(By.cssSelector("[aria-label='Add a neuron to layer 1']")).click();
      waitUntil(d -> d.getCurrentUrl().contains("layers=5%2C4%2C4"), "a neuron is added");
      setValue("set-dataset", "spirals");
      waitUntil(d -> d.getCurrentUrl().contains("dataset=spirals"), "spirals");
      driver.findElement(By.id("btn-step")).click();
      waitUntil(d -> text("step-count").equals("1"), "one step");

      // Typos are explained on the page, not logged as failed requests.
      setValue("set-lr", "99");
      waitUntil(d -> text("banner").startsWith("Not applied:"), "the refused learning rate is explained");
      assertNotEquals("99", driver.findElement(By.id("set-lr")).getAttribute("value"), "the control shows the accepted set-up again");

      driver.findElement(By.id("tab-stepper")).click();
      next();
      next();
      preset("neuron", "dataset=neuron");
      next();
      preset("xor", "dataset=xor4");
      next();
      next();
      setValue("preset", "current");
      driver.findElement(By.id("tab-playground")).click();
      setValue("set-dataset", "spirals");
      waitUntil(d -> d.getCurrentUrl().contains("dataset=spirals"), "spirals again");
      driver.findElement(By.id("tab-stepper")).click();
      next();
      assertTrue(layoutProblems().isEmpty(), "stepper: " + layoutProblems());

      driver.findElement(By.id("tab-graph")).click();
      waitUntil(d -> !d.findElements(By.cssSelector("[data-label='sigmoid']")).isEmpty(), "the default graph is drawn");
      byTestId("graph-expression").clear();
      byTestId("graph-expression").sendKeys("sigmoid(w*x + ");
      byTestId("graph-evaluate").click();
      waitUntil(d -> byTestId("graph-error").isDisplayed(), "the typo is explained");
      driver.findElement(By.id("tab-health")).click();
      waitUntil(d -> !text("health-summary").isEmpty(), "the health view trained");

      open("view=playground&layers=10000&lr=-1"); // a tampered link
      assertTrue(text("banner").contains("hidden layer 1 has 10000 neurons"), text("banner"));
      if (onPhone) chromium.screenshot(SCREENSHOTS.resolve("tour-phone.png"));
      assertEquals(List.of(), chromium.consoleErrors(), (onPhone ? "phone" : "desktop") + ": console errors");
    }
  }

  // ---- 2: back across step boundaries ---------------------------------------------------------------------

  @Test
  void backWorksAcrossEveryStepBoundary() {
    open("view=stepper");
    preset("neuron", "dataset=neuron");
    for (int k = 1; k <= 3; k++) {
      final int step = k;
      stepTo("Step " + step + " · phase 5"); // the update, the last of the neuron's five phases
      next(); // over the boundary: the next step's trace is fetched
      assertTrue(text("phase-label").startsWith("Step " + (step + 1) + " · phase 1"), text("phase-label"));
      assertTrue(byTestId("phase-next").isEnabled());
      assertTrue(driver.findElement(By.id("phase-prev")).isEnabled(), "◀ Back is enabled after step " + step);
      pressKey(Keys.ARROW_LEFT);
      waitUntil(d -> text("phase-label").startsWith("Step " + step + " · phase 5"), "← goes back to step " + step + "'s update");
      next();
    }
  }

  // ---- 3: the article ---------------------------------------------------------------------------------------

  @Test
  void theArticleToggleAppliesEverywhereAndOnlyToStepOne() {
    open("view=stepper");
    preset("neuron", "dataset=neuron");
    stepTo("update");
    byTestId("article-rounding").click();
    waitUntil(d -> text("q-loss").equals("0.0625"), "the article's loss");
    assertEquals("0.7500", text("q-yhat"));
    assertEquals("a=0.7500", text("a-1-0"), "the diagram shows the article's ŷ too");
    assertEquals("L = 0.0625", text("loss-on-diagram"));
    assertEquals("0.5000→0.51875", text("wl-1-0-0"), "and its updated weight");
    assertEquals("0.51875", text("chain-update"));
    byTestId("article-rounding").click();
    waitUntil(d -> text("q-loss").equals("0.0624"), "the engine's loss again");
    assertEquals("0.5000→0.5187", text("wl-1-0-0"));
    next(); // step 2: the article has no step 2
    assertFalse(driver.findElement(By.id("article-box")).isDisplayed(), "no article note after step 1");
    stepTo("update");
    assertFalse(driver.findElement(By.id("article-box")).isDisplayed());
  }

  // ---- 4: the keyboard ---------------------------------------------------------------------------------------

  @Test
  void choosingAPresetByKeyboardThenPressingTheArrowSteps() {
    open("view=stepper&dataset=circles");
    WebElement select = byTestId("preset");
    js("arguments[0].focus();", select);
    new Actions(driver).sendKeys(Keys.ARROW_DOWN).perform(); // the playground's network -> the worked neuron
    waitUntil(d -> d.getCurrentUrl().contains("dataset=neuron"), "the neuron preset is chosen by keyboard");
    assertEquals("phase-next", js("return document.activeElement.id;"), "focus moved to Next");
    new Actions(driver).sendKeys(Keys.ARROW_RIGHT).perform(); // as the hint says
    waitUntil(d -> text("phase-label").contains("the example enters"), "→ steps");
    assertEquals("neuron", select.getAttribute("value"), "→ did not switch the preset");
  }

  // ---- 5: small values -----------------------------------------------------------------------------------------

  @Test
  void smallHiddenLayerTermsKeepSignificantDigitsAndAddUp() {
    open("view=stepper");
    preset("xor", "dataset=xor4");
    stepTo("backward pass, layer 1");
    js("arguments[0].dispatchEvent(new MouseEvent('click', { bubbles: true }));", byTestId("w-1-0-1"));
    waitUntil(d -> text("chain").contains("Σ over the examples"), "the hidden weight's terms are listed");
    stepTo("update");
    String chain = text("chain");
    for (String line : chain.split("\n")) {
      if (line.trim().startsWith("sum = ") || line.startsWith("where ") || line.startsWith("product")) {
        assertFalse(line.matches(".*[=:] -?0\\.0000( .*|$)"), "a small non-zero value reads 0.0000: " + line + "\n" + chain);
      }
    }
    double sum = 0;
    String sumLine = null;
    for (String line : chain.split("\n")) {
      if (line.trim().startsWith("example ")) sum += Double.parseDouble(line.substring(line.lastIndexOf("= ") + 2).trim());
      if (line.trim().startsWith("sum = ")) sumLine = line.trim();
    }
    assertTrue(sumLine != null, chain);
    double shownSum = Double.parseDouble(sumLine.substring(6).split(" ")[0]);
    assertEquals(shownSum, sum, Math.abs(shownSum) * 0.02 + 1e-6, "the shown terms add up to the shown sum:\n" + chain);
    String update = chain.substring(chain.indexOf("update:"));
    String before = update.split(" = ")[1].split(" − ")[0]; // "update: w ← w − η·∂L/∂w = BEFORE − η · g = AFTER"
    assertNotEquals(before, text("chain-update"), "the update visibly moves the weight: " + update);
  }

  // ---- 6: labels ----------------------------------------------------------------------------------------------

  @Test
  void diagramLabelsDoNotCollideAtBothSizes() throws Exception {
    for (boolean onPhone : new boolean[] {false, true}) {
      if (onPhone) phone(); else desktop();
      open("view=stepper");
      preset("xor", "dataset=xor4");
      for (String phase : new String[] {"forward pass, output layer", "backward pass, layer 1", "update"}) {
        stepTo(phase);
        assertEquals(List.of(), collidingDiagramLabels(), (onPhone ? "phone" : "desktop") + ", XOR, " + phase);
      }
      int edgeLabels = driver.findElements(By.cssSelector("#stepper-svg text.edge-label")).size();
      assertTrue(edgeLabels >= (onPhone ? 3 : 5), "most XOR edges keep their label: " + edgeLabels + " of 6");
      if (onPhone) chromium.screenshot(SCREENSHOTS.resolve("stepper-xor-phone.png"));

      open("view=stepper&dataset=circles&layers=4,4&act=tanh,tanh&batch=4");
      stepTo("backward pass, layer 1");
      assertEquals(List.of(), collidingDiagramLabels(), (onPhone ? "phone" : "desktop") + ", 4-neuron layers");
      assertEquals(8 + 1, driver.findElements(By.cssSelector("#stepper-svg [data-testid^='b-']")).size(), "every bias is labelled");
      assertEquals(List.of(), layoutProblems(), "stepper layout");
    }
  }

  // ---- 7: the graph view ----------------------------------------------------------------------------------

  @Test
  void theGraphRoutesLongEdgesAroundBoxesClearsOnErrorAndExplainsInfinity() {
    open("view=graph");
    waitUntil(d -> !d.findElements(By.cssSelector("[data-label='sigmoid']")).isEmpty(), "the default graph is drawn");
    evaluate("(1 - sigmoid(w*x + b))^2", "w=0.5, x=2, b=0.1");
    // Sample every edge: no point of it may lie inside a box other than its own two ends'.
    @SuppressWarnings("unchecked")
    List<String> crossings = (List<String>) js("const boxes = [...document.querySelectorAll('#graph-svg g[data-testid^=graph-node-]')]"
        + "  .map((g) => [g.dataset.testid.replace('graph-node-', ''), g.querySelector('rect').getBBox()]); const out = [];"
        + "for (const p of document.querySelectorAll('#graph-svg path[data-testid^=graph-edge-]')) {"
        + "  const [, from, to] = p.dataset.testid.match(/graph-edge-(\\d+)-(\\d+)/); const n = p.getTotalLength();"
        + "  for (let s = 0; s <= n; s += 3) { const q = p.getPointAtLength(s);"
        + "    for (const [id, b] of boxes) { if (id === from || id === to) continue;"
        + "      if (q.x > b.x + 1 && q.x < b.x + b.width - 1 && q.y > b.y + 1 && q.y < b.y + b.height - 1) { out.push(from + '->' + to + ' crosses ' + id); break; } } } }"
        + "return [...new Set(out)];");
    assertEquals(List.of(), crossings);
    assertFalse(byTestId("graph-note").isDisplayed(), "finite values need no note");

    evaluate("1/x + log(y)", "x=0, y=0");
    waitUntil(d -> byTestId("graph-note").isDisplayed(), "the infinities are explained");
    assertTrue(text("graph-note").contains("Infinity"), text("graph-note"));

    byTestId("graph-expression").sendKeys(" + (");
    byTestId("graph-evaluate").click();
    waitUntil(d -> byTestId("graph-error").isDisplayed(), "the parse error is shown");
    assertEquals(0, driver.findElements(By.cssSelector("#graph-svg g")).size(), "no stale graph under the message");
  }

  void evaluate(String expression, String values) {
    byTestId("graph-expression").clear();
    byTestId("graph-expression").sendKeys(expression);
    byTestId("graph-values").clear();
    byTestId("graph-values").sendKeys(values);
    String before = (String) js("return document.getElementById('graph-svg').innerHTML;");
    byTestId("graph-evaluate").click();
    waitUntil(d -> !before.equals(js("return document.getElementById('graph-svg').innerHTML;")), "the graph of " + expression + " is drawn");
  }

  // ---- 8: epochs and batch size ----------------------------------------------------------------------------

  @Test
  void theEpochCountsCompletedPassesAndTheBatchTextFitsTheSet() {
    open("view=playground&dataset=xor4&layers=2&act=sigmoid&batch=10");
    driver.findElement(By.id("btn-step")).click();
    waitUntil(d -> text("step-count").equals("1"), "step 1");
    assertEquals("1", text("epoch-count"), "one step over all 4 rows is one epoch");
    driver.findElement(By.id("btn-step")).click();
    driver.findElement(By.id("btn-step")).click();
    waitUntil(d -> text("step-count").equals("3"), "step 3");
    assertEquals("3", text("epoch-count"));
    String first = driver.findElement(By.cssSelector("#trace-example option")).getAttribute("textContent");
    assertTrue(first.contains("whole training set (4 rows") && !first.contains("next mini-batch"), first);
  }

  // ---- 9: sessions ---------------------------------------------------------------------------------------------

  @Test
  void aClosedTabsSessionIsReleasedAndTheCapCountsOpenPages() {
    open("view=playground");
    String first = driver.getWindowHandle();
    waitUntil(d -> server.openSessions() == 1, "one page, one session (was " + server.openSessions() + ")");
    for (int round = 0; round < CAP + 2; round++) { // more tabs over time than the cap: each is closed before the next
      driver.switchTo().newWindow(WindowType.TAB);
      open("view=playground");
      assertEquals("", text("banner"), "tab " + round + " got a session");
      driver.close();
      driver.switchTo().window(first);
      waitUntil(d -> server.openSessions() == 1, "the closed tab's session ended (open: " + server.openSessions() + ")");
    }
    open("view=stepper"); // navigating away releases the old page's session too
    waitUntil(d -> server.openSessions() == 1, "a reload leaves one session (open: " + server.openSessions() + ")");

    // A tab that goes without its goodbye (no beacon: a crash, a killed browser) is noticed by its stream.
    driver.switchTo().newWindow(WindowType.TAB);
    open("view=playground");
    waitUntil(d -> server.openSessions() == 2, "two pages, two sessions");
    js("navigator.sendBeacon = () => true; window.fetch = () => new Promise(() => {});");
    driver.close();
    driver.switchTo().window(first);
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> server.openSessions() == 1);
  }

  @Test
  void aPageWhoseSessionEndedStartsOverWithItsSetup() {
    open("view=playground&dataset=moons&layers=3&act=relu");
    driver.findElement(By.id("btn-step")).click();
    waitUntil(d -> text("step-count").equals("1"), "a step");
    String before = byTestId("edge-1-0-0").getAttribute("data-weight");
    js("fetch('/api/sessions/' + window.__backflow_session() + '/close', { method: 'POST' });"); // as if away too long
    waitUntil(d -> text("banner").startsWith("This page was away long enough"), "the page noticed and started over");
    assertEquals("0", text("step-count"));
    assertTrue(driver.getCurrentUrl().contains("dataset=moons") && driver.getCurrentUrl().contains("layers=3"), "the same set-up");
    driver.findElement(By.id("btn-step")).click();
    waitUntil(d -> text("step-count").equals("1"), "it trains again");
    assertEquals(before, byTestId("edge-1-0-0").getAttribute("data-weight"), "the same data and initial weights, the same first step");
  }

  // ---- 10: the phone -----------------------------------------------------------------------------------------

  @Test
  void onADesktopNoControlOrChartOverlapsAnother() {
    for (String view : new String[] {"playground", "stepper", "graph"}) {
      open("view=" + view + "&dataset=spirals&layers=6,6&act=tanh,tanh");
      if (view.equals("stepper")) next();
      if (view.equals("graph")) waitUntil(d -> !d.findElements(By.cssSelector("[data-label='sigmoid']")).isEmpty(), "the graph is drawn");
      assertEquals(List.of(), layoutProblems(), view + " at 1400×900");
    }
  }

  @Test
  void onAPhoneEveryViewFitsTheScreenWithoutOverlap() throws Exception {
    phone();
    open("view=playground&dataset=spirals&layers=6,6&act=tanh,tanh");
    assertEquals(390L, js("return window.innerWidth;"));
    assertEquals(List.of(), layoutProblems(), "playground");
    chromium.screenshot(SCREENSHOTS.resolve("playground-phone.png"));
    driver.findElement(By.id("tab-stepper")).click();
    next();
    next();
    assertEquals(List.of(), layoutProblems(), "stepper");
    @SuppressWarnings("unchecked")
    List<Number> explain = (List<Number>) js("const r = document.getElementById('explain').getBoundingClientRect(); return [r.left, r.right];");
    assertTrue(explain.get(0).doubleValue() >= 0 && explain.get(1).doubleValue() <= 390, "the explanation is on screen: " + explain);
    chromium.screenshot(SCREENSHOTS.resolve("stepper-phone.png"));
    driver.findElement(By.id("tab-graph")).click();
    waitUntil(d -> !d.findElements(By.cssSelector("[data-label='sigmoid']")).isEmpty(), "the graph is drawn");
    assertEquals(List.of(), layoutProblems(), "graph");
    driver.findElement(By.id("tab-health")).click();
    waitUntil(d -> !text("health-summary").isEmpty(), "the health view trained");
    assertEquals(List.of(), layoutProblems(), "health");
    chromium.screenshot(SCREENSHOTS.resolve("health-phone.png"));
  }

  // ---- 11: charts -----------------------------------------------------------------------------------------------

  @Test
  void chartsStartAtZeroSayOneStepAndKeepLegendsOffTheCurves() {
    open("view=playground");
    @SuppressWarnings("unchecked")
    Map<String, Object> drawn = (Map<String, Object>) ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
        + "import('/js/chart.js').then(({ drawLineChart }) => {"
        + "  const c = document.createElement('canvas'); c.width = 320; c.height = 120; const ctx = c.getContext('2d');"
        + "  const texts = [], lines = []; const fill = ctx.fillText.bind(ctx), line = ctx.lineTo.bind(ctx);"
        + "  ctx.fillText = (t, x, y) => { texts.push([t, y]); fill(t, x, y); };"
        + "  ctx.lineTo = (x, y) => { lines.push(y); line(x, y); };"
        + "  drawLineChart(c, [{ points: [[1, 0.5]], color: '#000', label: 'training loss' },"
        + "    { points: [[1, 0.6]], color: '#999', label: 'test loss' }], { xLabel: 'steps', yFromZero: true, xFromZero: true });"
        + "  const legend = texts.filter(([t]) => t.endsWith('loss')).map(([, y]) => y);"
        + "  const one = drawLineChart(c, [{ points: [[1, 0.5]], color: '#000', label: 'one step' }], { xLabel: 'steps' });"
        + "  const diverged = drawLineChart(c, [{ points: [[0, 1], [1, 10], [2, Infinity], [3, NaN]], color: '#000', label: 'unclipped' },"
        + "    { points: [[0, 1], [1, 0.9], [2, 0.8], [3, 0.7]], color: '#999', label: 'clipped' }], { logY: true });"
        + "  done({ texts: texts.map(([t]) => t), legendBottom: Math.max(...legend), curveTop: Math.min(...lines),"
        + "    oneEnded: one.ended, divergedEnded: diverged.ended });"
        + "});");
    @SuppressWarnings("unchecked")
    List<String> texts = (List<String>) drawn.get("texts");
    assertTrue(texts.contains("0"), "the x axis starts at 0: " + texts);
    assertTrue(texts.contains("1 step") && !texts.contains("1 steps"), texts.toString());
    assertTrue(((Number) drawn.get("legendBottom")).doubleValue() < ((Number) drawn.get("curveTop")).doubleValue(),
        "the legend is above every curve: " + drawn);
    assertEquals(List.of(), drawn.get("oneEnded"), "a single step is not a series that broke off");
    assertEquals(List.of("unclipped"), drawn.get("divergedEnded"), "a diverged run ends in a ✕, not a one-pixel spike");
  }

  // ---- beyond the fixes: flowing values, loss over steps --------------------------------------------------

  @Test
  void valuesFlowAlongTheEdgesAndTheLossOverStepsIsPlotted() {
    open("view=stepper");
    preset("xor", "dataset=xor4");
    next(); // the example enters
    next(); // forward, layer 1
    assertEquals("forward:4", byTestId("stepper-svg").getAttribute("data-flow"), "four values travel into layer 1");
    assertTrue(!driver.findElements(By.cssSelector("#stepper-svg .flow.forward")).isEmpty(), "the moving values are drawn");
    stepTo("backward pass, output layer");
    assertEquals("backward:3", byTestId("stepper-svg").getAttribute("data-flow"), "gradients travel back from the output and the loss");
    stepTo("update");
    String after = text("loss-after");
    assertTrue(after.matches("\\d\\.\\d{4} → \\d\\.\\d{4}"), after);
    assertEquals(1 + 4, byTestId("outputs-before-after").findElements(By.tagName("tr")).size(), "ŷ before and after for the 4 rows");
    for (int i = 0; i < 6; i++) next(); // step 2
    stepTo("Step 2 · phase 7");
    long inked = (Long) js("const c = document.getElementById('stepper-loss-chart'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        + "let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] < 80) n++; return n;");
    assertTrue(inked > 100, "the loss-over-steps plot has curves: " + inked);

    reducedMotion(true);
    open("view=stepper");
    preset("neuron", "dataset=neuron");
    next();
    next();
    assertEquals("reduced", byTestId("stepper-svg").getAttribute("data-flow"), "no motion when the reader asks for less");
    assertEquals("a=0.7503", text("a-1-0"), "the phase's numbers are there all the same");
  }

  // ---- beyond the fixes: the playground's gradient on hover and export ---------------------------------

  @Test
  void hoveringAnEdgeShowsItsGradientAndTheNetworkExportsForBackflowEval() {
    open("view=playground&dataset=circles&layers=3,3&act=tanh,tanh");
    assertTrue(byTestId("edge-1-0-0").findElement(By.tagName("title")).getAttribute("textContent").contains("appears after the first step"));
    driver.findElement(By.id("btn-step")).click();
    waitUntil(d -> !byTestId("edge-1-0-0").getAttribute("data-grad").isEmpty(), "the step's gradients arrive");
    String title = byTestId("edge-1-0-0").findElement(By.tagName("title")).getAttribute("textContent");
    assertTrue(title.matches("(?s)w = -?[0-9.]+ .*∂L/∂w = -?[0-9.e-]+ at the last step"), title);

    assertEquals("then: backflow eval --checkpoint backflow-circles.safetensors --hidden 3,3 --activation tanh", text("export-note"));
    @SuppressWarnings("unchecked")
    Map<String, Object> header = (Map<String, Object>) ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
        + "fetch(document.getElementById('export').href).then((r) => r.arrayBuffer()).then((b) => {"
        + "  const n = Number(new DataView(b).getBigUint64(0, true));"
        + "  done(JSON.parse(new TextDecoder().decode(new Uint8Array(b, 8, n)))); });");
    assertEquals(List.of(2L, 3L), ((Map<?, ?>) header.get("4.weight")).get("shape"), "two class logits from the last hidden layer");
    assertEquals("toy", ((Map<?, ?>) header.get("__metadata__")).get("model"));

    open("view=playground&dataset=blobs");
    assertEquals("true", byTestId("export").getAttribute("aria-disabled"));
    assertTrue(text("export-note").contains("this is blobs"), text("export-note"));
  }

  // ---- beyond the fixes: accessibility -----------------------------------------------------------------------

  /** Visible controls without an accessible name, and visible text under WCAG AA contrast against its background. */
  @SuppressWarnings("unchecked")
  List<String> accessibilityProblems() {
    return (List<String>) js("const out = []; const view = document.querySelector('.view:not([hidden])');"
        + "const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };"
        + "for (const e of [...document.querySelectorAll('header button'), ...view.querySelectorAll('button, select, input, a[href], [tabindex]')]) {"
        + "  if (!visible(e)) continue;"
        + "  const name = e.getAttribute('aria-label') || (e.labels && [...e.labels].map((l) => l.textContent).join(' ').trim())"
        + "    || (e.tagName !== 'SELECT' && e.textContent.trim()) || e.getAttribute('title');"
        + "  if (!name) out.push('no accessible name: ' + e.outerHTML.slice(0, 80));"
        + "  if (e.tabIndex < 0 && !e.closest('[role=tablist]')) out.push('not reachable by Tab: ' + e.outerHTML.slice(0, 80)); }"
        + "const rgb = (c) => c.match(/[0-9.]+/g).map(Number);"
        + "const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })"
        + "  .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);"
        + "const background = (e) => { for (let n = e; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor);"
        + "  if (c.length < 4 || c[3] > 0.9) return c.slice(0, 3); } return [255, 255, 255]; };"
        + "const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); const seen = new Set();"
        + "for (let t = walker.nextNode(); t; t = walker.nextNode()) {"
        + "  const e = t.parentElement; if (!t.textContent.trim() || seen.has(e) || e.closest('svg, option, [hidden]') || !visible(e)) continue;"
        + "  if (!e.closest('header') && !view.contains(e) && !e.closest('footer')) continue;"
        + "  seen.add(e); if (e.closest(':disabled')) continue; const s = getComputedStyle(e);"
        + "  const fg = rgb(s.color), bg = background(e), a = fg.length > 3 ? fg[3] : 1;"
        + "  const mixed = fg.slice(0, 3).map((v, i) => v * a + bg[i] * (1 - a));"
        + "  const L1 = lum(mixed), L2 = lum(bg), ratio = (Math.max(L1, L2) + 0.05) / (Math.min(L1, L2) + 0.05);"
        + "  const large = parseFloat(s.fontSize) >= 24 || (parseFloat(s.fontSize) >= 18.66 && Number(s.fontWeight) >= 700);"
        + "  if (ratio < (large ? 3 : 4.5)) out.push('contrast ' + ratio.toFixed(2) + ': \"' + t.textContent.trim().slice(0, 30) + '\" (' + s.color + ' on rgb(' + bg + '))'); }"
        + "return out;");
  }

  @Test
  void everyControlHasANameIsReachableShowsItsFocusAndTextMeetsAAContrast() {
    for (String view : new String[] {"playground", "graph", "stepper"}) {
      open("view=" + view);
      if (view.equals("stepper")) {
        preset("xor", "dataset=xor4");
        stepTo("backward pass, layer 1");
      }
      if (view.equals("graph")) waitUntil(d -> !d.findElements(By.cssSelector("[data-label='sigmoid']")).isEmpty(), "the graph is drawn");
      assertEquals(List.of(), accessibilityProblems(), view);
    }
    // Tabbing moves a visible focus ring through the stepper's controls, and Enter on a focused edge selects it.
    js("document.activeElement.blur(); document.getElementById('tab-stepper').focus();");
    List<String> unringed = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      new Actions(driver).sendKeys(Keys.TAB).perform();
      String ring = (String) js("const e = document.activeElement; const s = getComputedStyle(e);"
          + "const c = e.querySelector && e.querySelector('circle, line.shown'); const sc = c && getComputedStyle(c);"
          + "return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (sc && parseFloat(sc.strokeWidth) >= 4) ? '' : e.outerHTML.slice(0, 60);");
      if (!ring.isEmpty()) unringed.add(ring);
    }
    assertEquals(List.of(), unringed, "focused without a visible ring");
    WebElement edge = byTestId("w-1-0-1");
    js("arguments[0].focus();", edge);
    new Actions(driver).sendKeys(Keys.ENTER).perform();
    waitUntil(d -> text("chain").startsWith("W1[0][1]"), "Enter on a focused edge shows its chain rule");
    assertEquals("polite", byTestId("explain").getAttribute("aria-live"), "the explanation is announced");
  }

  // ---- beyond the fixes: feature transforms and CSV upload, kept in the link -------------------------------

  @Test
  void featuresAndAnUploadedCsvRoundTripThroughTheLink(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    open("view=playground&dataset=circles&noise=0&layers=&act=");
    driver.findElement(By.cssSelector("#features input[value=x1sq]")).click();
    waitUntil(d -> d.getCurrentUrl().contains("features=x1%2Cx2%2Cx1sq"), "the ticked feature is in the link");
    driver.findElement(By.cssSelector("#features input[value=x2sq]")).click();
    waitUntil(d -> d.getCurrentUrl().contains("features=x1%2Cx2%2Cx1sq%2Cx2sq"), "both squares are in the link");
    driver.get(driver.getCurrentUrl());
    waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")), "reloaded");
    assertTrue(driver.findElement(By.cssSelector("#features input[value=x2sq]")).isSelected(), "the link restores the features");
    assertEquals("x1²", driver.findElements(By.cssSelector("#network .node.input")).get(2).getText());
    driver.findElement(By.id("tab-stepper")).click();
    next();
    assertEquals(List.of("x1", "x2", "x1²", "x2²"), js("return [...document.querySelectorAll('#stepper-svg text[font-weight=\"600\"]')]"
        + ".map((t) => t.textContent).filter((t) => t.startsWith('x'));"), "the stepper's inputs are the features");
    driver.findElement(By.id("tab-playground")).click();

    Path bad = Files.writeString(dir.resolve("bad.csv"), "x1,x2,label\n0,0,1\n1,1,2\n");
    driver.findElement(By.id("csv-file")).sendKeys(bad.toString());
    waitUntil(d -> text("banner").startsWith("The CSV was not loaded: line 3: the label is 2"), "a bad file is explained");
    StringBuilder rows = new StringBuilder("x1,x2,label\n");
    for (int i = 0; i < 40; i++) rows.append(i % 7 - 3).append(',').append(i % 5 - 2.5).append(',').append(i % 2).append('\n');
    Path good = Files.writeString(dir.resolve("points.csv"), rows.toString());
    driver.findElement(By.id("csv-file")).sendKeys(good.toString());
    waitUntil(d -> d.getCurrentUrl().contains("dataset=csv&"), "the uploaded points are the data set");
    assertTrue(driver.getCurrentUrl().contains("csv=-3%2C-2.5%2C0%3B-2%2C-1.5%2C1"), driver.getCurrentUrl());
    String note = driver.findElement(By.id("data-note")).getText();
    assertTrue(note.endsWith("from your CSV."), note);
    driver.get(driver.getCurrentUrl());
    waitUntil(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")), "reloaded");
    assertEquals("csv", driver.findElement(By.id("set-dataset")).getAttribute("value"));
    assertEquals(note, driver.findElement(By.id("data-note")).getText(), "the link reproduces the uploaded points");
  }
}
