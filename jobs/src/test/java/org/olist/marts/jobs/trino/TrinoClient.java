package org.olist.marts.jobs.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Trino's client protocol over HTTP (POST /v1/statement, then follow {@code nextUri}), so a test can run hundreds of
 * statements as different users without starting a CLI per statement. A statement's outcome is its rows or its error.
 */
final class TrinoClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI server;

  TrinoClient(int port) {
    this.server = URI.create("http://127.0.0.1:" + port);
  }

  /** What a statement gave back: its rows as text, or its error message (then {@code error} is true). */
  record Outcome(boolean error, String errorName, String text, List<List<String>> rows) {
    String only() {
      if (error || rows.size() != 1 || rows.get(0).size() != 1) {
        throw new AssertionError("one value expected, got " + this);
      }
      return rows.get(0).get(0);
    }

    @Override
    public String toString() {
      return error ? "ERROR " + errorName + ": " + text : rows.toString();
    }
  }

  Outcome run(String user, String sql) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(server.resolve("/v1/statement"))
        .header("X-Trino-User", user)
        .timeout(Duration.ofMinutes(2))
        .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
        .build();
    JsonNode page = send(request);
    List<List<String>> rows = new ArrayList<>();
    while (true) {
      if (page.has("data")) {
        for (JsonNode row : page.get("data")) {
          List<String> values = new ArrayList<>();
          row.forEach(v -> values.add(v.isNull() ? null : v.isTextual() ? v.asText() : v.toString()));
          rows.add(values);
        }
      }
      if (page.has("error")) {
        JsonNode e = page.get("error");
        return new Outcome(true, e.path("errorName").asText(), e.path("message").asText(), List.of());
      }
      if (!page.hasNonNull("nextUri")) {
        return new Outcome(false, null, null, rows);
      }
      page = send(HttpRequest.newBuilder(URI.create(page.get("nextUri").asText())).header("X-Trino-User", user)
          .timeout(Duration.ofMinutes(2)).GET().build());
    }
  }

  private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() == 503 || response.statusCode() == 429) {
      Thread.sleep(100);
      return send(request);
    }
    if (response.statusCode() != 200) {
      throw new IOException("Trino answered " + response.statusCode() + " to " + request.uri() + ": "
          + response.body());
    }
    return JSON.readTree(response.body());
  }
}
