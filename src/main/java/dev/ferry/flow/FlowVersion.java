package dev.ferry.flow;

import dev.ferry.sql.ScriptFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A flow's version: the first 12 hex digits of a SHA-256 over its job XML and every script file it names,
 * recorded with each execution (job parameter {@code ferry.flow.version}) so that history says which
 * definition ran and a restart under a changed flow can say so.
 */
public final class FlowVersion {

    public static final String PARAMETER = "ferry.flow.version";

    private FlowVersion() {
    }

    public static String of(byte[] jobXml, ClassLoader loader) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha256.update(jobXml);
        for (String script : scriptFiles(jobXml)) {
            read(script, loader).ifPresent(bytes -> {
                sha256.update(script.getBytes(StandardCharsets.UTF_8));
                sha256.update(bytes);
            });
        }
        return HexFormat.of().formatHex(sha256.digest()).substring(0, 12);
    }

    private static List<String> scriptFiles(byte[] jobXml) {
        List<String> files = new ArrayList<>();
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setNamespaceAware(true);
            NodeList properties = factory.newDocumentBuilder().parse(new ByteArrayInputStream(jobXml)).getElementsByTagNameNS("*", "property");
            for (int i = 0; i < properties.getLength(); i++) {
                Element property = (Element) properties.item(i);
                if ("scriptFile".equals(property.getAttribute("name"))) {
                    files.add(property.getAttribute("value"));
                }
            }
        } catch (Exception e) {
            // A job XML that does not parse is JBeret's to report when it starts; its bytes are still hashed.
        }
        return files;
    }

    /** A script file as the sql batchlet finds it; scripts named with variables are left out. */
    private static Optional<byte[]> read(String script, ClassLoader loader) {
        if (script.contains("${")) {
            return Optional.empty();
        }
        try {
            return ScriptFile.read(script, loader).map(text -> text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
