package dev.ferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A flow written into a flows folder as a user writes one: a job XML of Ferry's batchlets, one step after
 * the other, each with its properties as given ({@code "database", "source", "query", "SELECT ..."}).
 */
public final class FlowFile {

    private record Step(String id, String batchlet, String[] properties) {
    }

    private final String id;
    private final List<Step> steps = new ArrayList<>();

    private FlowFile(String id) {
        this.id = id;
    }

    public static FlowFile named(String id) {
        return new FlowFile(id);
    }

    /** @param properties names and values, one after the other */
    public FlowFile step(String stepId, String batchlet, String... properties) {
        if (properties.length % 2 != 0) {
            throw new IllegalArgumentException("give each property's name and value");
        }
        steps.add(new Step(stepId, batchlet, properties));
        return this;
    }

    /** Writes {@code FOLDER/ID.xml}; returns its path. */
    public Path writeTo(Path folder) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<job id=\"").append(id)
                .append("\" xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"2.0\">\n");
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            xml.append("    <step id=\"").append(step.id()).append('"')
                    .append(i + 1 < steps.size() ? " next=\"" + steps.get(i + 1).id() + "\"" : "").append(">\n")
                    .append("        <batchlet ref=\"").append(step.batchlet()).append("\">\n            <properties>\n");
            for (int p = 0; p < step.properties().length; p += 2) {
                xml.append("                <property name=\"").append(step.properties()[p]).append("\" value=\"")
                        .append(escaped(step.properties()[p + 1])).append("\"/>\n");
            }
            xml.append("            </properties>\n        </batchlet>\n    </step>\n");
        }
        xml.append("</job>\n");
        try {
            return Files.writeString(folder.resolve(id + ".xml"), xml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escaped(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
