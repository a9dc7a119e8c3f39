package dev.ferry.console;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The OpenAPI description is written by hand: it must name exactly the calls the resources implement. */
class OpenApiDescriptionTest {

    static final List<Class<?>> RESOURCES = List.of(FlowsResource.class, ExecutionsResource.class, GridResource.class,
            SessionResource.class, MetricsResource.class);

    /** {@code GET /api/flows}, ... from the resource classes' annotations. */
    static Set<String> implemented() {
        Set<String> calls = new TreeSet<>();
        for (Class<?> resource : RESOURCES) {
            String base = "/" + resource.getAnnotation(Path.class).value();
            for (Method method : resource.getMethods()) {
                String verb = method.isAnnotationPresent(GET.class) ? "get" : method.isAnnotationPresent(POST.class) ? "post"
                        : method.isAnnotationPresent(DELETE.class) ? "delete" : null;
                if (verb != null) {
                    Path path = method.getAnnotation(Path.class);
                    calls.add(verb + " " + base + (path == null ? "" : "/" + path.value()));
                }
            }
        }
        calls.add("get /api/openapi.json");
        return calls;
    }

    static Set<String> documented(JsonObject api) {
        Set<String> calls = new TreeSet<>();
        api.getJsonObject("paths").forEach((path, operations) -> operations.asJsonObject().keySet().forEach(verb -> calls.add(verb + " " + path)));
        return calls;
    }

    @Test
    void everyCallIsDocumentedAndEveryDocumentedCallExists() throws Exception {
        try (InputStream in = PageResource.class.getResourceAsStream("openapi.json")) {
            JsonObject api = Json.createReader(in).readObject();
            assertThat(documented(api)).isEqualTo(implemented());
            api.getJsonObject("paths").forEach((path, operations) -> operations.asJsonObject().forEach((verb, operation) ->
                    assertThat(operation.asJsonObject().getString("summary", "")).as(verb + " " + path).isNotBlank()));
        }
    }
}
