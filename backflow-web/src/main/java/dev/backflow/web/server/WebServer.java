package dev.backflow.web.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.web.engine.NetworkExport;
import dev.backflow.web.graph.ExpressionGraph;
import dev.backflow.web.graph.NeuronExpression;
import dev.backflow.web.health.GradientHealth;
import dev.backflow.web.health.HealthRequest;
import dev.backflow.web.session.EventSink;
import dev.backflow.web.session.Session;
import dev.backflow.web.session.SessionNotFound;
import dev.backflow.web.session.SessionRegistry;
import dev.backflow.web.session.TooManySessions;
import dev.backflow.web.setup.BadRequest;
import dev.backflow.web.setup.Limits;
import dev.backflow.web.setup.SetupParser;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page's server: the assets from the jar (no CDN, so it works offline), JSON over REST for commands
 * and a Server-Sent Events stream per tab for training state. Every request is validated; whatever goes
 * wrong comes back as {@code {"error": "...", "status": N}} with a 4xx status when it was the request.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
  /** Bodies are small settings objects; anything bigger is a mistake or an attack. */
  static final long MAX_BODY_BYTES = 64 * 1024;

  private final ServerSettings settings;
  private final ObjectMapper json = JsonMapping.create();
  private final SessionRegistry sessions;
  /** Health demonstrations and cost measurements take a second or two of CPU each; two at a time is plenty. */
  private final Semaphore experiments = new Semaphore(2);
  private final Javalin app;

  private WebServer(ServerSettings settings) {
    this.settings = settings;
    this.sessions = new SessionRegistry(settings.maxSessions(), settings.idleTimeout(), json);
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.jsonMapper(new JavalinJackson(json, false));
      config.http.maxRequestSize = MAX_BODY_BYTES;
      config.http.disableCompression(); // a compressing buffer would hold SSE events back
      config.staticFiles.add(files -> {
        files.hostedPath = "/";
        files.directory = "/web";
        files.location = Location.CLASSPATH;
        files.headers = Map.of("Cache-Control", "no-cache");
      });
    });
    routes();
  }

  /** Starts a server; port 0 picks a free port (see {@link #port()}). */
  public static WebServer start(ServerSettings settings) {
    WebServer s = new WebServer(settings);
    s.app.start(settings.host(), settings.port());
    return s;
  }

  public int port() {
    return app.port();
  }

  public String url() {
    String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
    if (host.equals("0.0.0.0")) host = "127.0.0.1";
    return "http://" + host + ":" + port() + "/";
  }

  /** Sessions open now: one per page still showing (a closed tab's ends within seconds). */
  public int openSessions() {
    return sessions.size();
  }

  @Override
  public void close() {
    sessions.close();
    app.stop();
  }

  private void routes() {
    app.before("/api/*", this::guard);

    app.get("/api/limits", ctx -> ctx.json(limits()));
    app.post("/api/sessions", ctx -> {
      JsonNode body = body(ctx);
      Session s = sessions.create(SetupParser.parse(JsonMapping.object(body, "setup")));
      ctx.status(201).json(SessionView.of(s, true));
    });
    app.get("/api/sessions/{id}", ctx -> ctx.json(SessionView.of(session(ctx), false)));
    app.put("/api/sessions/{id}/setup", ctx -> {
      Session s = session(ctx);
      boolean rebuilt = s.apply(SetupParser.parse(JsonMapping.object(body(ctx), "setup")));
      SessionView view = SessionView.of(s, rebuilt);
      s.publishState();
      ctx.json(view);
    });
    app.post("/api/sessions/{id}/step", ctx -> {
      JsonNode body = body(ctx);
      Long seq = body.has("seq") ? Long.valueOf(wholeNumber(body, "seq", 0, Long.MAX_VALUE / 2)) : null;
      session(ctx).step(seq);
      ctx.status(202).json(Map.of("accepted", true));
    });
    app.post("/api/sessions/{id}/run", ctx -> {
      JsonNode body = body(ctx);
      int speed = body.has("speed") ? (int) wholeNumber(body, "speed", 1, Limits.MAX_SPEED) : 1;
      boolean stop = body.has("stopWhenPerfect") && body.get("stopWhenPerfect").asBoolean(false);
      session(ctx).start(speed, stop);
      ctx.status(202).json(Map.of("running", true));
    });
    app.post("/api/sessions/{id}/pause", ctx -> {
      Session s = session(ctx);
      s.pause();
      s.publishState();
      ctx.json(Map.of("running", false));
    });
    app.post("/api/sessions/{id}/reset", ctx -> {
      Session s = session(ctx);
      s.reset();
      SessionView view = SessionView.of(s, true);
      s.publishState();
      ctx.json(view);
    });
    app.post("/api/sessions/{id}/trace", ctx -> {
      JsonNode body = body(ctx);
      int example = body.has("example") ? (int) wholeNumber(body, "example", -1, Limits.MAX_POINTS) : -1;
      ctx.json(session(ctx).trace(example));
    });
    app.get("/api/sessions/{id}/neuron", ctx -> {
      Session s = session(ctx);
      int layer = queryInt(ctx, "layer"), neuron = queryInt(ctx, "neuron"), example = queryInt(ctx, "example");
      synchronized (s) {
        ctx.json(NeuronExpression.of(s.run(), layer, neuron, example));
      }
    });
    // The trained network as a checkpoint for `backflow eval` and PyTorch (see NetworkExport).
    app.get("/api/sessions/{id}/export", ctx -> {
      Session s = session(ctx);
      byte[] file;
      String name;
      synchronized (s) {
        file = NetworkExport.safetensors(s.run());
        name = "backflow-" + s.setup().dataset().id + ".safetensors";
      }
      ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
      ctx.contentType("application/octet-stream").result(file);
    });
    // The page says goodbye with a keepalive POST when the tab closes; DELETE is the REST spelling.
    app.post("/api/sessions/{id}/close", ctx -> {
      sessions.end(ctx.pathParam("id"));
      ctx.status(204);
    });
    app.delete("/api/sessions/{id}", ctx -> {
      sessions.end(ctx.pathParam("id"));
      ctx.status(204);
    });
    app.sse("/api/sessions/{id}/events", client -> {
      Session s;
      try {
        s = sessions.get(client.ctx().pathParam("id"));
      } catch (SessionNotFound e) {
        client.sendEvent("failure", errorJson(404, e.getMessage()));
        client.close();
        return;
      }
      client.keepAlive();
      EventSink sink = new EventSink() {
        @Override
        public boolean send(String event, String data) {
          if (client.terminated()) return false;
          synchronized (client) {
            client.sendEvent(event, data);
          }
          return !client.terminated();
        }

        @Override
        public boolean ping() {
          if (client.terminated()) return false;
          synchronized (client) {
            client.sendComment("ping");
          }
          return !client.terminated();
        }

        @Override
        public void close() {
          client.close();
        }
      };
      client.onClose(() -> s.detach(sink));
      s.attach(sink);
      s.publishState();
    });

    app.post("/api/graph", ctx -> {
      JsonNode body = body(ctx);
      JsonNode expr = body.get("expression");
      if (expr == null || !expr.isTextual()) throw new BadRequest("give the expression as text, e.g. {\"expression\": \"sigmoid(w*x + b)\"}");
      ctx.json(ExpressionGraph.evaluate(expr.asText(), values(body.get("values"))));
    });
    app.post("/api/health", ctx -> {
      HealthRequest r = HealthRequest.parse(body(ctx));
      if (!experiments.tryAcquire()) throw new Busy("two gradient health experiments are already running; try again in a moment");
      try {
        ctx.json(GradientHealth.run(r));
      } finally {
        experiments.release();
      }
    });

    // What a learner typed is checked before it is sent: a mistake comes back as 200 {"ok": false, "error": ...},
    // so the browser does not log a typo as a failed load, and the real request is only made when it will pass.
    app.post("/api/check/setup", ctx -> ctx.json(check(() -> SetupParser.parse(JsonMapping.object(body(ctx), "setup")))));
    app.post("/api/check/graph", ctx -> ctx.json(check(() -> {
      JsonNode body = body(ctx);
      JsonNode expr = body.get("expression");
      if (expr == null || !expr.isTextual()) throw new BadRequest("give the expression as text");
      ExpressionGraph.evaluate(expr.asText(), values(body.get("values")));
    })));
    app.post("/api/check/health", ctx -> ctx.json(check(() -> HealthRequest.parse(body(ctx)))));

    app.exception(BadRequest.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
    app.exception(SessionNotFound.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
    app.exception(TooManySessions.class, (e, ctx) -> error(ctx, 503, e.getMessage()));
    app.exception(Busy.class, (e, ctx) -> error(ctx, 503, e.getMessage()));
    app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), describe(e)));
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, 500, "the server failed on this request (" + e.getClass().getSimpleName() + ": " + e.getMessage()
          + "); this is a bug in Backflow");
    });
    app.error(404, ctx -> {
      if (ctx.path().startsWith("/api/") && ctx.result() == null) error(ctx, 404, "no such API route: " + ctx.method() + " " + ctx.path());
    });
  }

  /**
   * Every API request: reject other Hosts when bound to loopback (a DNS-rebinding page could otherwise
   * drive this server), and require JSON for bodies, which a cross-site form post cannot send without
   * a CORS preflight this server never grants.
   */
  private void guard(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    if (settings.loopbackOnly()) {
      String host = ctx.host() == null ? "" : ctx.host().replaceFirst(":\\d+$", "");
      if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("[::1]") && !host.startsWith("127.")) {
        throw new HttpResponseException(403, "this server only answers pages loaded from 127.0.0.1 or localhost");
      }
    }
    String method = ctx.method().name();
    if ((method.equals("POST") || method.equals("PUT")) && !ctx.path().endsWith("/close")) {
      String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
      if (!type.startsWith("application/json")) {
        throw new HttpResponseException(415, "send the request body as JSON with Content-Type: application/json");
      }
    }
  }

  private Session session(Context ctx) {
    return sessions.get(ctx.pathParam("id"));
  }

  private JsonNode body(Context ctx) {
    JsonNode n = JsonMapping.read(json, ctx.body());
    if (!n.isObject()) throw new BadRequest("the request body must be a JSON object, got " + n.getNodeType());
    return n;
  }

  private static long wholeNumber(JsonNode body, String key, long min, long max) {
    JsonNode n = body.get(key);
    if (!n.isNumber() || n.asDouble() != Math.rint(n.asDouble())) throw new BadRequest(key + " must be a whole number");
    long v = n.asLong();
    if (v < min || v > max) throw new BadRequest(key + " must be between " + min + " and " + max + ", got " + n.asText());
    return v;
  }

  private static int queryInt(Context ctx, String key) {
    String v = ctx.queryParam(key);
    if (v == null) throw new BadRequest("missing query parameter '" + key + "'");
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new BadRequest(key + " must be a whole number, got '" + v + "'");
    }
  }

  private static Map<String, Double> values(JsonNode node) {
    if (node == null || node.isNull()) return Map.of();
    if (node.isTextual()) return ExpressionGraph.parseValues(node.asText());
    if (!node.isObject()) throw new BadRequest("values must be an object such as {\"w\": 0.5} or text such as \"w=0.5, x=2\"");
    if (node.size() > 100) throw new BadRequest("at most 100 values, got " + node.size());
    Map<String, Double> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      if (!v.isNumber() && !v.isTextual()) throw new BadRequest("the value of " + e.getKey() + " must be a number");
      out.put(e.getKey(), ExpressionGraph.parseValues(e.getKey() + "=" + v.asText()).get(e.getKey()));
    });
    return out;
  }

  private static Map<String, Object> check(Runnable validation) {
    try {
      validation.run();
      return Map.of("ok", true);
    } catch (BadRequest e) {
      return Map.of("ok", false, "error", e.getMessage());
    }
  }

  private static String describe(HttpResponseException e) {
    if (e.getStatus() == 413) return "the request body is larger than " + MAX_BODY_BYTES / 1024 + " KB; set-ups are far smaller";
    return e.getMessage();
  }

  private void error(Context ctx, int status, String message) {
    ctx.status(status).json(Map.of("error", message, "status", status));
  }

  private String errorJson(int status, String message) {
    try {
      return json.writeValueAsString(Map.of("error", message, "status", status));
    } catch (Exception e) {
      return "{\"error\":\"internal\"}";
    }
  }

  private static Map<String, Object> limits() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("maxHiddenLayers", Limits.MAX_HIDDEN_LAYERS);
    m.put("maxNeurons", Limits.MAX_NEURONS);
    m.put("minPoints", Limits.MIN_POINTS);
    m.put("maxPoints", Limits.MAX_POINTS);
    m.put("maxLearningRate", Limits.MAX_LEARNING_RATE);
    m.put("maxBatch", Limits.MAX_BATCH);
    m.put("maxSpeed", Limits.MAX_SPEED);
    m.put("healthProblems", dev.backflow.diagnostics.Demonstrations.NAMES);
    return m;
  }

  /** The server is busy with this kind of work; answered with 503. */
  static final class Busy extends RuntimeException {
    Busy(String message) {
      super(message);
    }
  }
}
