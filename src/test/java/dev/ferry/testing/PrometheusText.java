package dev.ferry.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's text exposition format read by the Prometheus project's own parser (the Python client's
 * {@code prometheus_client.parser}, from Debian's python3-prometheus-client for {@code /usr/bin/python3}: another
 * Python on the path does not see it), so that what {@code /metrics} serves is
 * checked by the format's reference implementation, not by a reader written to agree with Ferry's writer.
 */
public final class PrometheusText {

    private static final String PARSE = String.join("\n",
            "import sys, json",
            "from prometheus_client.parser import text_string_to_metric_families",
            "out = {'types': {}, 'samples': {}}",
            "for family in text_string_to_metric_families(sys.stdin.read()):",
            "    out['types'][family.name] = family.type",
            "    for s in family.samples:",
            "        key = s.name + '{' + ','.join(k + '=' + v for k, v in sorted(s.labels.items())) + '}'",
            "        out['samples'][key] = s.value",
            "print(json.dumps(out))");

    /** The families' types by name ({@code ferry_runs}: counter) and every sample, as {@code name{label=value,...}} (labels sorted). */
    public record Parsed(Map<String, String> types, Map<String, Double> samples) {

        /** A sample's value, 0 when absent (a counter not yet counted). */
        public double value(String name, String... labels) {
            return samples.getOrDefault(key(name, labels), 0.0);
        }

        /** {@code key("ferry_runs_total", "flow", "f", "outcome", "completed")}; labels in alphabetical order of their names. */
        public static String key(String name, String... labels) {
            StringBuilder key = new StringBuilder(name).append('{');
            for (int i = 0; i < labels.length; i += 2) {
                key.append(i == 0 ? "" : ",").append(labels[i]).append('=').append(labels[i + 1]);
            }
            return key.append('}').toString();
        }
    }

    private PrometheusText() {
    }

    public static Parsed parse(String text) {
        try {
            Process python = new ProcessBuilder("/usr/bin/python3", "-c", PARSE).start();
            python.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            python.getOutputStream().close();
            String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!python.waitFor(30, TimeUnit.SECONDS) || python.exitValue() != 0) {
                throw new AssertionError("Prometheus's parser refused the text (needs python3-prometheus-client): " + err + "\n" + text);
            }
            JsonObject parsed = Json.createReader(new StringReader(out)).readObject();
            Map<String, String> types = new TreeMap<>();
            parsed.getJsonObject("types").forEach((name, type) -> types.put(name, ((jakarta.json.JsonString) type).getString()));
            Map<String, Double> samples = new TreeMap<>();
            parsed.getJsonObject("samples").forEach((name, value) -> samples.put(name, ((jakarta.json.JsonNumber) value).doubleValue()));
            return new Parsed(types, samples);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
