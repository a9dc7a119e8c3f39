package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flows the console offers: every job XML under META-INF/batch-jobs/ in the class path's folders and jars. */
class FlowCatalogTest {

    @Test
    void listsTheJobXmlOfFoldersAndJarsOnTheClassPath(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("classes/META-INF/batch-jobs"));
        Files.writeString(folder.resolve("from-folder.xml"), "<job id=\"from-folder\"/>");
        Files.writeString(folder.resolve("notes.txt"), "not a flow");
        Path jar = dir.resolve("flows.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            // With its folders' entries, as the jar tool, Maven and the shade plugin write them.
            for (String name : new String[] {"META-INF/", "META-INF/batch-jobs/", "META-INF/batch-jobs/from-jar.xml",
                    "META-INF/batch-jobs/nested/", "META-INF/batch-jobs/nested/ignored.xml"}) {
                out.putNextEntry(new JarEntry(name));
                out.write("<job/>".getBytes());
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL(), jar.toUri().toURL()}, null)) {
            FlowCatalog catalog = FlowCatalog.standalone(loader);

            assertThat(catalog.names()).containsExactly("from-folder", "from-jar");
            assertThat(catalog.read("from-jar")).isPresent();
            assertThat(catalog.read("no-such-flow")).isEmpty();
        }
    }
}
