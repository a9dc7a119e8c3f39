package dev.ferry.flow;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.helpers.DefaultHandler;

/**
 * A batchlet step of a flow as written in its job XML: its id, batchlet ref and properties, each with
 * the line it stands on, for checks that point at the line to fix.
 */
public record FlowStep(String id, String ref, int line, Map<String, Property> properties) {

    /** A property's unresolved value and its line. */
    public record Property(String value, int line) {
    }

    public Optional<String> property(String name) {
        return Optional.ofNullable(properties.get(name)).map(Property::value);
    }

    /** The job's id: the flow's name, under which its executions and claims are kept. @throws Exception when the XML does not parse */
    public static String jobId(byte[] jobXml) throws Exception {
        String[] id = new String[1];
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.newSAXParser().parse(new ByteArrayInputStream(jobXml), new DefaultHandler() {
            @Override
            public void startElement(String uri, String localName, String qName, Attributes attributes) {
                if (id[0] == null && localName.equals("job")) {
                    id[0] = attributes.getValue("id");
                }
            }
        });
        if (id[0] == null || id[0].isBlank()) {
            throw new IllegalArgumentException("the job XML has no <job id=\"...\">");
        }
        return id[0];
    }

    /** The batchlet steps of a job XML, in document order. @throws Exception when the XML does not parse */
    public static List<FlowStep> parse(byte[] jobXml) throws Exception {
        List<FlowStep> steps = new ArrayList<>();
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.newSAXParser().parse(new ByteArrayInputStream(jobXml), new DefaultHandler() {
            private Locator locator;
            private String stepId;
            private String ref;
            private int line;
            private Map<String, Property> properties;

            @Override
            public void setDocumentLocator(Locator locator) {
                this.locator = locator;
            }

            @Override
            public void startElement(String uri, String localName, String qName, Attributes attributes) {
                switch (localName) {
                    case "step" -> stepId = attributes.getValue("id");
                    case "batchlet" -> {
                        ref = attributes.getValue("ref");
                        line = locator.getLineNumber();
                        properties = new LinkedHashMap<>();
                    }
                    case "property" -> {
                        if (properties != null) {
                            properties.put(attributes.getValue("name"), new Property(attributes.getValue("value"), locator.getLineNumber()));
                        }
                    }
                    default -> {
                    }
                }
            }

            @Override
            public void endElement(String uri, String localName, String qName) {
                if (localName.equals("batchlet")) {
                    steps.add(new FlowStep(stepId, ref, line, Map.copyOf(properties)));
                    properties = null;
                }
            }
        });
        return steps;
    }
}
